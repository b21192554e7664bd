//! Links the `clinic` executable at a fixed address (not position-independent) on Linux.
//!
//! A position-independent `clinic` spends about a millisecond of every start applying
//! ~48,000 relocations to 1.3 MB of pointer tables, touching (and copying) each of their
//! pages before `main` runs; linked at a fixed address, those tables are final on disk.
//! That is most of the start-up of `clinic --version` or a one-shot command (see
//! docs/PERFORMANCE.md, "Process"). The cost: the executable's own code and data sit at
//! the same address in every run (shared libraries, heap, stack and mappings are still
//! randomised). Build with `CLINIC_BUILD_PIE=1` to keep a position-independent binary.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CLINIC_BUILD_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var_os("CLINIC_BUILD_PIE").is_none() {
        println!("cargo:rustc-link-arg-bin=clinic=-no-pie");
    }
}
