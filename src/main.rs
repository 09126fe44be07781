//! The `sessionlab` binary.

fn main() -> std::process::ExitCode {
    sessionlab::cli::main()
}
