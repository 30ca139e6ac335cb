//! The `synaq` binary: parses the command line and hands over to the library.

use clap::Parser;

/// mimalloc rather than the system allocator: a request allocates often and from several threads, where
/// glibc's allocator spent a quarter of the server's time under the start spike (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    synaq::cli::run(synaq::cli::Cli::parse()).await
}
