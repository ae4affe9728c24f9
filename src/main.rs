//! The `luoshi` binary: everything of the command line is in [`cli`]; the work is the library's.

use std::process::ExitCode;

mod cli;

/// mimalloc: faster for the many small strings of a batch, and returns freed memory to the system.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
