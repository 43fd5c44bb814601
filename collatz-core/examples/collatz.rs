//! `cargo run -p collatz-core --example collatz -- ...`: the `collatz` command line under its
//! old name, for scripts written before it became a binary (src/bin/collatz/, built with
//! `--features cli --bin collatz` or installed with `cargo install --path collatz-core
//! --features cli`). Both are built from the same source.

#[path = "../src/bin/collatz/main.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
