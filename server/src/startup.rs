//! Start-up: data folder, database, migrations, first import, then the HTTP server with a
//! graceful shutdown.

use std::sync::Arc;

use anyhow::Context as _;
use app::{
    db::{content_version, Database},
    search::index::SearchIndex,
    state::AppState,
    SiteInfo,
};
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;

use crate::{config::Config, content, router};

/// Register pages kept at once (each 30–40 KB of data): the common views and then some.
const REGISTER_CACHE_ENTRIES: usize = 256;

/// Creates the data folder, checks it can be written, connects and migrates.
pub async fn open_database(config: &Config) -> anyhow::Result<Database> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
    check_writable(&config.data_dir)?;
    let db = Database::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

/// Fails at once, naming the folder and the cause, when the data folder cannot take a
/// write (read-only, full, or not ours), instead of a pool timeout ten seconds later.
pub fn check_writable(data_dir: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    let probe = data_dir.join(".candour-write-check");
    let outcome = std::fs::File::create(&probe).and_then(|mut file| {
        file.write_all(&[0u8; 4096])?;
        file.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    outcome.map_err(|error| {
        let cause = match error.kind() {
            std::io::ErrorKind::ReadOnlyFilesystem => {
                "the folder is on a read-only file system".to_owned()
            }
            std::io::ErrorKind::StorageFull => "the disk is full".to_owned(),
            std::io::ErrorKind::PermissionDenied => {
                "permission denied: the folder belongs to another user or is read-only".to_owned()
            }
            _ => error.to_string(),
        };
        anyhow::anyhow!(
            "the data folder {} cannot be written: {cause}",
            data_dir.display()
        )
    })
}

/// Everything a running server needs, ready to route.
pub struct Application {
    pub listener: TcpListener,
    pub state: AppState,
    pub mailer: crate::mail::Mailer,
    pub scheduled_email: bool,
    /// How long clients get to send headers, and to finish when shutting down.
    pub limits: crate::serve::Limits,
    /// Held until the server stops, so `candour restore` is refused meanwhile.
    pub lock: crate::backup::DataFolderLock,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
        check_writable(&config.data_dir)?;
        let lock = crate::backup::lock_data_folder(&config.data_dir)?;
        let db = open_database(&config).await?;
        if content::database_is_empty(&db).await? {
            let report = content::import_dir(&db, &config.content_dir)
                .await
                .with_context(|| format!("importing {}", config.content_dir.display()))?;
            tracing::info!(%report, "imported content into the empty database");
        }
        let site = site_info(&db, &config).await?;
        let search = open_search(&db, &config).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("listening on {}", config.addr))?;
        app::assets::load(&config.site_dir)?;
        let options = LeptosOptions::builder()
            .output_name(Arc::<str>::from("candour"))
            .site_root(config.site_dir.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();
        // Each feature's own part of the state, by type.
        let mut features = axum::http::Extensions::new();
        features.insert(search);
        features.insert(app::register::RegisterCache::new(REGISTER_CACHE_ENTRIES));
        features.insert(crate::page_cache::PageCache::default());
        Ok(Self {
            listener,
            mailer: config.mailer.clone(),
            scheduled_email: config.scheduled_email,
            limits: config.limits,
            lock,
            state: AppState {
                options,
                db,
                site,
                mail_configured: config.mailer.transport.is_some(),
                security: app::state::Security {
                    trusted_proxies: config.trusted_proxies.clone(),
                    https: config.public_url.scheme() == "https",
                },
                shell: app::shell,
                features: Arc::new(features),
            },
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        let search = self.state.feature::<SearchIndex>()?;
        let refresher = tokio::spawn(keep_search_fresh(self.state.db.clone(), search));
        let sessions =
            app::accounts::ssr::session_store::DatabaseSessionStore::new(self.state.db.clone());
        let sweeper = tokio::spawn(sweep_expired_sessions(sessions));
        let delivery = crate::mail::Delivery {
            db: self.state.db.clone(),
            mailer: self.mailer.clone(),
            public_url: self.state.site.public_url.clone(),
            organisation: self.state.site.organisation.clone(),
            service_name: self.state.site.service_name.clone(),
        };
        let mail_worker = tokio::spawn(crate::mail::run_worker(delivery.clone()));
        let mail_jobs = self
            .scheduled_email
            .then(|| tokio::spawn(crate::mail::run_jobs(delivery)));
        app::accounts::ssr::passwords::prepare();
        let app = crate::page_cache::Candour::new(self.state.clone(), router::build(self.state));
        crate::serve::serve(self.listener, app, self.limits, shutdown).await;
        refresher.abort();
        sweeper.abort();
        mail_worker.abort();
        if let Some(jobs) = mail_jobs {
            jobs.abort();
        }
        db.close().await;
        Ok(())
    }
}

/// Removes lapsed sessions from the database every ten minutes (a lapsed session is
/// already refused when loaded; this only keeps the table small).
async fn sweep_expired_sessions(store: app::accounts::ssr::session_store::DatabaseSessionStore) {
    use tower_sessions::session_store::ExpiredDeletion as _;
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        interval.tick().await;
        if let Err(error) = store.delete_expired().await {
            tracing::warn!(%error, "could not remove lapsed sessions");
        }
        // Creating forms' one-time keys protect against repeats for a day.
        let day_ago = app::dates::timestamp(chrono::Utc::now() - chrono::Duration::days(1));
        if let Err(error) = sqlx::query("DELETE FROM form_submissions WHERE created_at < $1")
            .bind(day_ago)
            .execute(store.database().pool())
            .await
        {
            tracing::warn!(%error, "could not remove old form keys");
        }
    }
}

/// Opens the search index under the data folder and fills it from the database when it
/// is new, empty, of an older schema or was damaged.
/// An index that exists but is behind the database (a change committed just before the
/// last stop, or an import while no server ran) is brought up to date at once by
/// `keep_search_fresh`, whose first check runs as the server starts.
pub async fn open_search(db: &Database, config: &Config) -> anyhow::Result<SearchIndex> {
    let search = SearchIndex::open(&config.data_dir).context("opening the search index")?;
    if search.document_count() == 0 {
        let count = search
            .rebuild(db.pool())
            .await
            .context("building the search index")?;
        tracing::info!(documents = count, "built the search index");
    } else {
        search.load_labels(db.pool()).await?;
    }
    Ok(search)
}

/// How often a server checks whether public content changed (an import may run in
/// another process, or on another instance).
const SEARCH_REFRESH: std::time::Duration = std::time::Duration::from_millis(250);

/// Rebuilds the index whenever the database's content version differs from the one the
/// index was built from, so a change is searchable within a second, and an index left
/// behind by a crash, a stop or an import while no server ran catches up at start-up.
async fn keep_search_fresh(db: Database, search: SearchIndex) {
    let mut seen = search.indexed_version().unwrap_or(-1);
    let mut interval = tokio::time::interval(SEARCH_REFRESH);
    loop {
        interval.tick().await;
        match content_version(db.pool()).await {
            Ok(version) if version != seen => match search.rebuild(db.pool()).await {
                Ok(count) => {
                    tracing::info!(documents = count, version, "search index rebuilt");
                    seen = version;
                }
                Err(error) => tracing::error!(
                    error = format!("{error:#}"),
                    "rebuilding the search index failed"
                ),
            },
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not read the content version"),
        }
    }
}

async fn site_info(db: &Database, config: &Config) -> anyhow::Result<SiteInfo> {
    let settings = content::site_settings(db).await?;
    Ok(SiteInfo {
        service_name: settings
            .service_name
            .unwrap_or_else(|| app::site::DEFAULT_SERVICE_NAME.to_owned()),
        organisation: config
            .organisation
            .clone()
            .or(settings.organisation)
            .unwrap_or_else(|| "Secure Data Environment".to_owned()),
        contact_email: settings.contact_email.unwrap_or_default(),
        public_url: config.public_url.as_str().trim_end_matches('/').to_owned(),
    })
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    tracing::info!(
        "Candour is listening on http://{}",
        app.listener.local_addr()?
    );
    app.run_until(shutdown_signal()).await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight then finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
