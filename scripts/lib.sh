# Sourced by scripts/test and scripts/demo: finds cargo, and sets up the one build both
# share. Not meant to be run.
#
# The build: `cargo test` compiles this crate with clippy-driver in place of rustc
# (RUSTC_WORKSPACE_WRAPPER), so clippy's lints run in the same compilation that makes
# the test binaries, with warnings as errors. Dependencies are compiled once, by plain
# rustc, and shared with any `cargo build`/`cargo test` you run by hand; only this
# crate is compiled again when you switch between the two ways.

if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

# need_toolchain NAME: cargo, rustfmt and clippy must be there; says how to get them.
need_toolchain() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "$1: cargo not found. Install the Rust toolchain with rustup (then open a new shell or add ~/.cargo/bin to PATH)." >&2
        exit 1
    fi
    local tool
    for tool in fmt clippy; do
        if ! cargo "$tool" --version >/dev/null 2>&1; then
            echo "$1: 'cargo $tool' is missing: rustup component add rustfmt clippy" >&2
            exit 1
        fi
    done
    if ! CLIPPY_DRIVER="$(command -v clippy-driver)"; then
        echo "$1: clippy-driver is not on PATH: rustup component add clippy" >&2
        exit 1
    fi
    export RUSTC_WORKSPACE_WRAPPER="$CLIPPY_DRIVER"
    # What `cargo clippy -- -D warnings` passes to clippy-driver.
    export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
}
