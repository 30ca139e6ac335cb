//! The `synaq` binary: parses the command line and hands over to the library.

use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    synaq::cli::run(synaq::cli::Cli::parse()).await
}
