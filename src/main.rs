//! `clinic`: parse the command line, install error reporting, dispatch (all in
//! `cli::main`, which answers `--version` before starting anything else).

use std::process::ExitCode;

fn main() -> ExitCode {
    clinic::cli::main()
}
