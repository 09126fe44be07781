//! The `sessionlab` binary.

use std::process::ExitCode;

/// Room for a command that recurses to Python's limit of 1000 levels in a
/// debug build too (the stack is reserved, not used, until it is needed).
const STACK: usize = 256 << 20;

fn main() -> ExitCode {
    match std::thread::Builder::new()
        .name("sessionlab".into())
        .stack_size(STACK)
        .spawn(sessionlab::cli::main)
    {
        Ok(thread) => thread.join().unwrap_or(ExitCode::FAILURE),
        // A system that will not reserve the stack: run on the main thread,
        // whose 8 MB hold the recursion limit in a release build.
        Err(_) => sessionlab::cli::main(),
    }
}
