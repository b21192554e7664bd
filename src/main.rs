//! `clinic`: parse the command line, install error reporting, dispatch.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Pretty reports for the unexpected (panics); expected failures are one line.
    if let Err(e) = color_eyre::install() {
        eprintln!("clinic: cannot install error reporting: {e}");
    }
    clinic::cli::main()
}
