//! The `candour` command line.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::{config::ConfigArgs, content, startup};
use app::db::Database;

/// Candour: the public record of what people said about NHS data and what the Secure Data
/// Environment did about it.
#[derive(Debug, Parser)]
#[command(name = "candour", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web site (the default): migrate the database, import content/ into an
    /// empty database, then listen on CANDOUR_ADDR until SIGTERM or Ctrl-C.
    Serve,
    /// Load content/ into the database. Safe to repeat: unchanged files change nothing,
    /// and records edited in the web app are kept and reported as conflicts.
    /// With --csv, update many recommendations at once from a CSV in the /actions.csv format.
    Import {
        /// A CSV file in the /actions.csv format; a changed status needs status_changed and
        /// status_note, and is appended to the history.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Rebuild the search index (under CANDOUR_DATA_DIR) from the database.
    Reindex,
    /// Manage accounts from the command line.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Write a consistent copy of the SQLite database to FILE while the site keeps serving
    /// and writing, then check the copy (PostgreSQL: use pg_dump).
    Backup {
        /// Where to write the copy (a new file).
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup made by `candour backup`, after checking
    /// it. Refused while a server uses the data folder; the replaced database is kept.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Write the database back out in the content/ format, into DIR.
    Export {
        /// Folder to write (created if missing; existing files with the same names are replaced).
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an administrator account (the first one, or another). Asks for the password
    /// twice at a terminal; otherwise reads it from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// The name shown in the service.
        #[arg(long)]
        name: String,
    },
    /// Create a one-time invitation link (valid for 7 days) and print it.
    Invite {
        #[arg(long)]
        email: String,
        /// critical_friend, editor or admin.
        #[arg(long, default_value = "critical_friend")]
        role: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.check()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::Import { csv: Some(file) } => {
            let db = startup::open_database(&config).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let today = app::accounts::ssr::today();
            let report = crate::open_data::csv::import_csv(&db, &text, &today)
                .await
                .with_context(|| format!("importing {}", file.display()))?;
            println!("{report}");
            db.close().await;
            Ok(())
        }
        Command::Import { csv: None } => {
            let db = startup::open_database(&config).await?;
            let report = content::import_dir(&db, &config.content_dir)
                .await
                .with_context(|| format!("importing {}", config.content_dir.display()))?;
            println!("{report}");
            db.close().await;
            anyhow::ensure!(
                report.conflicts.is_empty(),
                "{} conflict(s): the database was kept for those records",
                report.conflicts.len()
            );
            Ok(())
        }
        Command::Reindex => {
            let db = startup::open_database(&config).await?;
            let outcome = reindex(&db, &config).await;
            db.close().await;
            println!("{}", outcome?);
            Ok(())
        }
        Command::User { action } => {
            let db = startup::open_database(&config).await?;
            let outcome = match action {
                UserCommand::CreateAdmin { email, name } => {
                    let password = crate::accounts::read_new_password()?;
                    crate::accounts::create_admin(&db, &email, &name, password).await
                }
                UserCommand::Invite { email, role } => {
                    crate::accounts::invite(&db, &config.public_url, &email, &role).await
                }
            };
            db.close().await;
            println!("{}", outcome?);
            Ok(())
        }
        Command::Backup { file } => {
            let db = Database::connect(&config.database_url).await?;
            let outcome = crate::backup::backup(&db, &file).await;
            db.close().await;
            println!("{}", outcome?);
            Ok(())
        }
        Command::Restore { file } => {
            println!("{}", crate::backup::restore(&config, &file).await?);
            Ok(())
        }
        Command::Export { dir } => {
            let db = startup::open_database(&config).await?;
            let written = content::export_dir(&db, &dir)
                .await
                .with_context(|| format!("exporting to {}", dir.display()))?;
            println!("wrote {written} files to {}", dir.display());
            db.close().await;
            Ok(())
        }
    }
}

/// Rebuilds the search index. While a server uses the data folder it holds the index, so
/// the content version is moved on instead: that server (and every other instance)
/// rebuilds its own index within a second.
async fn reindex(db: &app::db::Database, config: &crate::config::Config) -> anyhow::Result<String> {
    match app::search::index::SearchIndex::open(&config.data_dir) {
        Ok(search) => {
            let count = search.rebuild(db.pool()).await?;
            Ok(format!("indexed {count} documents"))
        }
        Err(error)
            if error
                .downcast_ref::<tantivy::TantivyError>()
                .is_some_and(|e| matches!(e, tantivy::TantivyError::LockFailure(..))) =>
        {
            let mut tx = db.begin_write().await?;
            app::db::bump_content_version(&mut tx).await?;
            tx.commit().await?;
            app::db::content_committed();
            Ok("a server is using this data folder: it will rebuild its search index within a second".to_owned())
        }
        Err(error) => Err(error.context("opening the search index")),
    }
}
