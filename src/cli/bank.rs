//! `synaq qti import|export` and `synaq items export|import`: the item bank in and out of the service
//! from the command line, through the same validation and audit as the API (the actor is `system`).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};

use super::StoreArgs;
use crate::services::authoring::{files, qti};

#[derive(Subcommand)]
pub enum QtiCommand {
    /// Imports a QTI 3.0 content package (zip) or one item XML as drafts; prints the report.
    Import {
        path: PathBuf,
        /// Report what would be imported, store nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Writes the latest version of the items named as a QTI 3.0 content package.
    Export {
        #[arg(long)]
        out: PathBuf,
        /// Item ids.
        #[arg(required = true)]
        items: Vec<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// The items-file format of `item-bank/content`.
    Toml,
}

#[derive(Subcommand)]
pub enum ItemsCommand {
    /// Writes the bank as a content directory (items files, blueprints, media) into a new directory.
    Export {
        #[arg(long, value_enum, default_value = "toml")]
        format: Format,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Reads a content directory back: new items become drafts, changed ones new draft versions.
    Import {
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs a QTI command.
pub async fn run_qti(command: QtiCommand) -> anyhow::Result<()> {
    match command {
        QtiCommand::Import {
            path,
            dry_run,
            store,
        } => {
            let limit = ::qti::limits::MAX_PACKAGE_BYTES;
            let size = std::fs::metadata(&path)
                .with_context(|| format!("reading {}", path.display()))?
                .len();
            anyhow::ensure!(size <= limit, "{} is over {limit} bytes", path.display());
            let bytes = std::fs::read(&path)?;
            let db = super::open_store(&super::settings(&store, None, None)?).await?;
            let report = qti::import(&db, crate::store::audit::SYSTEM, &bytes, dry_run)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        QtiCommand::Export { out, items, store } => {
            anyhow::ensure!(!out.exists(), "{} exists", out.display());
            let db = super::open_store(&super::settings(&store, None, None)?).await?;
            let package = qti::export(&db, &items)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&out, &package)?;
            println!(
                "{}",
                serde_json::json!({"items": items.len(), "bytes": package.len(), "out": out})
            );
        }
    }
    Ok(())
}

/// Runs an items command.
pub async fn run_items(command: ItemsCommand) -> anyhow::Result<()> {
    match command {
        ItemsCommand::Export {
            format: Format::Toml,
            out,
            store,
        } => {
            let db = super::open_store(&super::settings(&store, None, None)?).await?;
            let report = files::export_toml(&db, &out).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        ItemsCommand::Import { from, store } => {
            let db = super::open_store(&super::settings(&store, None, None)?).await?;
            let report = files::import_dir(&db, &from)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(())
}
