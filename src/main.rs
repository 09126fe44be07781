//! The `sessionlab` binary.

use std::process::ExitCode;

/// Room for a command that recurses to Python's limit of 1000 levels in a
/// debug build too (the stack is reserved, not used, until it is needed).
const STACK: usize = 256 << 20;

fn main() -> ExitCode {
    std::thread::Builder::new()
        .name("sessionlab".into())
        .stack_size(STACK)
        .spawn(sessionlab::cli::main)
        .and_then(|thread| thread.join().map_err(|_| std::io::Error::other("panicked")))
        .unwrap_or(ExitCode::FAILURE)
}
