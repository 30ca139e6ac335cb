//! The command line: `synaq serve`, `synaq backup`, `synaq restore`, `synaq users create|set-role|disable`,
//! `synaq clients create|disable`, `synaq text …`, `synaq irt …`, `synaq assembly simulate`,
//! `synaq forensics …`, `synaq qti …`, `synaq items …`, `synaq audit verify`, `synaq load`.

pub mod assembly;
pub mod audit;
pub mod backup;
pub mod bank;
pub mod forensics;
pub mod irt;
pub mod text;

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{Overrides, Settings};
use crate::startup::Application;

#[derive(Parser)]
#[command(
    name = "synaq",
    version,
    about = "Delivers the Kazakh state-language test"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Runs the server.
    Serve {
        /// Address to listen on [env: SYNAQ_BIND] [default: 127.0.0.1:8080]
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        /// The starter bank imported into an empty database [env: SYNAQ_CONTENT_DIR]
        #[arg(long)]
        content: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Copies the embedded SQLite database to FILE, consistently, while the server runs.
    Backup {
        /// The backup file to write; it must not exist.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Replaces the embedded SQLite database with a backup; the server must be stopped. The replaced
    /// database is kept as synaq.db.before-restore-<time>.
    Restore {
        /// The backup file to restore.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Staff users.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Service clients (the pre-selection scoring system).
    Clients {
        #[command(subcommand)]
        action: ClientsAction,
    },
    /// How the grader reads Kazakh text: normalize, translit, detect, match.
    Text {
        #[command(subcommand)]
        command: text::TextCommand,
    },
    /// Whether a bank can carry a blueprint: simulate many forms and candidates.
    Assembly {
        #[command(subcommand)]
        command: assembly::AssemblyCommand,
    },
    /// The psychometric engine: calibrate, score, link, stats, simulate.
    Irt {
        #[command(subcommand)]
        command: irt::IrtCommand,
    },
    /// QTI 3.0 content packages in and out of the bank.
    Qti {
        #[command(subcommand)]
        command: bank::QtiCommand,
    },
    /// The bank as a directory of items files, out and back in.
    Items {
        #[command(subcommand)]
        command: bank::ItemsCommand,
    },
    /// The item bank's audit log.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Post-test forensics on CSV: person-fit, preknowledge, copying, rapid-guessing.
    Forensics {
        #[command(subcommand)]
        command: forensics::ForensicsCommand,
    },
    /// Runs simulated candidates through the whole flow against a running server and reports throughput
    /// and latency as JSON; the admin password is read from SYNAQ_ADMIN_PASSWORD.
    Load(crate::loadtest::LoadOptions),
}

/// Where the data lives.
#[derive(Args, Clone)]
pub struct StoreArgs {
    /// Holds the SQLite database and the signing key [env: SYNAQ_DATA_DIR] [default: ./data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… [env: DATABASE_URL]
    #[arg(long)]
    database_url: Option<String>,
    /// A TOML file of settings [env: SYNAQ_CONFIG]
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum UsersAction {
    /// Creates a staff user; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        /// admin, operator, proctor or author
        #[arg(long)]
        role: String,
        /// Read the password from standard input (the only way: never from the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Gives a staff user another role; their tokens stop working at once.
    SetRole {
        #[arg(long)]
        username: String,
        /// admin, operator, proctor or author
        #[arg(long)]
        role: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disables a staff user: no more sign-ins, and their tokens stop working at once.
    Disable {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
pub enum ClientsAction {
    /// Creates a service client and prints {"client_id","client_secret"} once.
    Create {
        #[arg(long)]
        name: String,
        /// results-reader
        #[arg(long)]
        role: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disables a service client: no more sign-ins, and its tokens stop working at once.
    Disable {
        #[arg(long)]
        client_id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn settings(
    store: &StoreArgs,
    bind: Option<std::net::SocketAddr>,
    content: Option<PathBuf>,
) -> anyhow::Result<Settings> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let file = store
        .config
        .clone()
        .or_else(|| env("SYNAQ_CONFIG").map(PathBuf::from));
    let flags = Overrides {
        bind,
        data_dir: store.data_dir.clone(),
        database_url: store.database_url.clone(),
        content_dir: content,
    };
    Ok(Settings::load(file.as_deref(), &env, &flags)?)
}

async fn open_store(settings: &Settings) -> anyhow::Result<crate::store::WriteDb> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            settings.data_dir.display()
        )
    })?;
    Ok(crate::store::connect(&settings.effective_database_url(), 1)
        .await?
        .write)
}

/// Runs a parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            bind,
            content,
            store,
        } => {
            let settings = settings(&store, bind, content)?;
            crate::telemetry::init(&settings.log_format);
            tracing::info!(settings = ?settings, "starting");
            let admin_password = std::env::var("SYNAQ_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            let app = Application::build(settings, admin_password).await?;
            tracing::info!(
                port = app.port(),
                metrics_port = app.metrics_port(),
                "listening"
            );
            app.run_until(crate::shutdown::signal()).await?;
        }
        Command::Backup { to, store } => {
            let report = backup::backup(&settings(&store, None, None)?, &to).await?;
            println!("{report}");
        }
        Command::Restore { from, store } => {
            let report = backup::restore(&settings(&store, None, None)?, &from).await?;
            println!("{report}");
        }
        Command::Audit { command } => audit::run(command).await?,
        Command::Qti { command } => bank::run_qti(command).await?,
        Command::Items { command } => bank::run_items(command).await?,
        Command::Users {
            action:
                UsersAction::Create {
                    username,
                    role,
                    password_stdin: _,
                    store,
                },
        } => {
            let settings = settings(&store, None, None)?;
            let mut password = String::new();
            std::io::stdin()
                .take(4096)
                .read_to_string(&mut password)
                .context("reading the password")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = open_store(&settings).await?;
            crate::services::accounts::create_user(&db, &username, password, &role).await?;
            println!(
                "{}",
                serde_json::json!({"username": username, "role": role})
            );
        }
        Command::Users {
            action:
                UsersAction::SetRole {
                    username,
                    role,
                    store,
                },
        } => {
            let db = open_store(&settings(&store, None, None)?).await?;
            crate::services::accounts::set_role(&db, &username, &role).await?;
            println!(
                "{}",
                serde_json::json!({"username": username, "role": role})
            );
        }
        Command::Users {
            action: UsersAction::Disable { username, store },
        } => {
            let db = open_store(&settings(&store, None, None)?).await?;
            crate::services::accounts::disable_user(&db, &username).await?;
            println!(
                "{}",
                serde_json::json!({"username": username, "disabled": true})
            );
        }
        Command::Clients {
            action: ClientsAction::Disable { client_id, store },
        } => {
            let db = open_store(&settings(&store, None, None)?).await?;
            crate::services::accounts::disable_client(&db, &client_id).await?;
            println!(
                "{}",
                serde_json::json!({"client_id": client_id, "disabled": true})
            );
        }
        Command::Clients {
            action: ClientsAction::Create { name, role, store },
        } => {
            let settings = settings(&store, None, None)?;
            let db = open_store(&settings).await?;
            let (client_id, client_secret) =
                crate::services::accounts::create_client(&db, &name, &role).await?;
            println!(
                "{}",
                serde_json::json!({"client_id": client_id, "client_secret": client_secret})
            );
        }
        Command::Text { command } => {
            println!("{}", serde_json::to_string_pretty(&text::run(command)?)?);
        }
        Command::Assembly { command } => {
            let out = tokio::task::spawn_blocking(move || assembly::run(command)).await??;
            println!("{out}");
        }
        Command::Irt { command } => {
            // Calibration is CPU-bound: run it off the async workers.
            let out = tokio::task::spawn_blocking(move || irt::run(command)).await??;
            println!("{out}");
        }
        Command::Forensics { command } => {
            let out = tokio::task::spawn_blocking(move || forensics::run(command)).await??;
            println!("{out}");
        }
        Command::Load(mut options) => {
            options.admin_password = std::env::var("SYNAQ_ADMIN_PASSWORD")
                .context("set SYNAQ_ADMIN_PASSWORD to the server's admin password")?;
            let report = crate::loadtest::run(options).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if !report.clean() {
                anyhow::bail!("the run had errors or the database check failed (see the report)");
            }
        }
    }
    Ok(())
}
