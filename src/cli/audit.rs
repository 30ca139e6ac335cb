//! `synaq audit verify`: checks the audit log's hash chain and names the first broken record.

use clap::Subcommand;

use super::StoreArgs;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walks the whole chain; prints the number of records, the last hash (keep it elsewhere: a later
    /// chain must still hold it) and the first broken record, and fails when there is one.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs an audit command.
pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { store } => {
            let db = super::open_store(&super::settings(&store, None, None)?).await?;
            let report = crate::services::authoring::audit::verify(&db).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if let Some(b) = report.first_break {
                anyhow::bail!("the audit chain breaks at record {}: {}", b.seq, b.reason);
            }
        }
    }
    Ok(())
}
