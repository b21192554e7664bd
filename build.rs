//! Optionally links the `clinic` executable at a fixed address (not position-independent)
//! on Linux: `CLINIC_BUILD_NO_PIE=1 cargo build --release`.
//!
//! A position-independent `clinic` spends about a millisecond of every start applying
//! ~48,000 relocations to 1.3 MB of pointer tables before `main` runs; linked at a fixed
//! address, those tables are final on disk (docs/PERFORMANCE.md, "The process"). That is
//! most of the start-up of `clinic --version` or a one-shot command. It is not the default:
//! the executable's own code and data would then sit at the same address in every run,
//! which takes address randomisation away from a program that holds medical records and
//! may serve the network.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CLINIC_BUILD_NO_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var_os("CLINIC_BUILD_NO_PIE").is_some() {
        println!("cargo:rustc-link-arg-bin=clinic=-no-pie");
    }
}
