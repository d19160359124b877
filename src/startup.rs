//! Binds the listener, opens the memory and builds the server; records the real port.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App};
use tracing_actix_web::TracingLogger;

use crate::config::{Config, Seed};
use crate::engine::seed::{self, SeedFile};
use crate::http::{self, AppState};
use crate::index::Mode;
use crate::l10n::{Catalog, LoadError, LoadOptions};
use crate::memory::{Memory, MemoryError};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot open the memory in {dir}: {source}")]
    Memory { dir: String, source: MemoryError },
    #[error("the locales in {dir} do not load (--lenient loads what parses):\n{source}")]
    Locales { dir: String, source: LoadError },
    #[error("cannot read the seed directory {dir}: {source} (--no-seed starts without one)")]
    SeedDir { dir: String, source: std::io::Error },
    #[error("cannot read the tasks in {dir}: {source}")]
    Tasks {
        dir: String,
        source: crate::tasks::TaskError,
    },
    #[error("cannot read the keys in {dir}: {source}")]
    Keys {
        dir: String,
        source: crate::auth::AuthError,
    },
}

/// A bound, not yet running, service.
pub struct Application {
    server: Server,
    host: String,
    port: u16,
    memory: Arc<Memory>,
    keys: Arc<crate::auth::Keys>,
    tasks: Arc<crate::tasks::Tasks>,
    config: Config,
    /// The seed memories still to import.
    seeds: Vec<SeedFile>,
}

impl Application {
    /// Opens the memory and binds `config.listen` (port 0 picks a free port).
    pub fn build(config: Config) -> Result<Application, StartupError> {
        // The locales first: a broken .ftl file stops the start before anything is opened.
        let options = LoadOptions {
            lenient: config.lenient,
            ..LoadOptions::default()
        };
        let l10n = match &config.locales_dir {
            Some(dir) => Catalog::load(dir, &options),
            None => Catalog::builtin(&options),
        }
        .map_err(|source| StartupError::Locales {
            dir: config.locales_dir.as_ref().map_or_else(
                || "the binary (built in)".to_string(),
                |d| d.display().to_string(),
            ),
            source,
        })?;
        // The seed files are listed now, so that a mistyped --seed-dir stops the start.
        let seeds = match &config.seed {
            Seed::Off => Vec::new(),
            Seed::Builtin => seed::builtin_files(),
            Seed::Dir(dir) => seed::dir_files(dir).map_err(|source| StartupError::SeedDir {
                dir: dir.display().to_string(),
                source,
            })?,
        };
        for problem in l10n.problems() {
            tracing::warn!(%problem, "skipped in the locales (--lenient)");
        }
        let memory = Memory::open(
            &config.data_dir,
            Mode::ReadWrite {
                heap_bytes: config.writer_heap_bytes,
            },
        )
        .map_err(|source| StartupError::Memory {
            dir: config.data_dir.display().to_string(),
            source,
        })?;
        let memory = Arc::new(memory.with_max_text_chars(config.max_text_chars));
        let keys = Arc::new(
            crate::auth::Keys::open(&config.data_dir, config.master_key.as_deref()).map_err(
                |source| StartupError::Keys {
                    dir: config.data_dir.display().to_string(),
                    source,
                },
            )?,
        );
        if !keys.enabled() {
            tracing::warn!("no master key: every request may read and write (set TETRAGLOT_MASTER_KEY or --master-key-file)");
        }
        let editorial = Arc::new(config.editorial());
        let tasks = crate::tasks::Tasks::start(
            &config.data_dir,
            memory.clone(),
            editorial.clone(),
            config.task_retention,
            http::describe_task_failure(),
        )
        .map_err(|source| StartupError::Tasks {
            dir: config.data_dir.display().to_string(),
            source,
        })?;
        let spool_dir = config.data_dir.join("incoming");
        clear_spool(&spool_dir);
        let listener = TcpListener::bind(&config.listen).map_err(|source| StartupError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
        let local = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
        let state = web::Data::new(AppState {
            memory: memory.clone(),
            spool_dir,
            max_body_bytes: config.max_body_bytes,
            max_json_bytes: config.max_json_bytes,
            uploads: Arc::new(tokio::sync::Semaphore::new(config.max_uploads)),
            max_uploads: config.max_uploads,
            body_timeout: std::time::Duration::from_secs(config.body_timeout_secs),
            min_body_rate: config.min_body_rate.max(1),
            keys: keys.clone(),
            public: config.public.clone(),
            metrics: Arc::new(http::metrics::Metrics::new()),
            limiter: http::access::limiter(config.rate_limit, config.rate_burst),
            l10n: Arc::new(l10n),
            editorial,
            tasks: tasks.clone(),
        });
        let server = serve(listener, local, state).map_err(|source| StartupError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
        Ok(Application {
            server,
            host: local.ip().to_string(),
            port: local.port(),
            memory,
            keys,
            tasks,
            config,
            seeds,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// A handle that stops the server (tests, embedding).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn memory(&self) -> Arc<Memory> {
        self.memory.clone()
    }

    /// Imports the seed memories on a thread of its own, while the server answers.
    pub fn seed_in_background(&mut self) -> Option<std::thread::JoinHandle<()>> {
        if self.seeds.is_empty() {
            return None;
        }
        let seeds = std::mem::take(&mut self.seeds);
        let data_dir = self.config.data_dir.clone();
        let memory = self.memory.clone();
        Some(std::thread::spawn(move || {
            match seed::seed(&memory, &seeds, &data_dir) {
                Ok(reports) => {
                    for (file, report) in reports {
                        tracing::info!(
                            %file,
                            read = report.read,
                            added = report.added,
                            merged = report.merged,
                            skipped = report.skipped_total,
                            "seed file imported"
                        );
                    }
                }
                Err(error) => tracing::error!(%error, "seeding stopped"),
            }
        }))
    }

    /// Serves until the process is told to stop.
    /// Then closes the memory: queued writes are committed and the data directory is free
    /// for the next process at once, whoever still holds the memory.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        raise_open_file_limit();
        tokio::spawn(stop_on_signals(self.server.handle()));
        // Keys' last uses are kept in memory and written once a minute (and at the end),
        // not on every request.
        let keys = self.keys.clone();
        let flusher = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                let keys = keys.clone();
                if let Ok(Err(error)) = tokio::task::spawn_blocking(move || keys.flush()).await {
                    tracing::warn!(%error, "the keys' last uses could not be written");
                }
            }
        });
        let served = self.server.await;
        flusher.abort();
        if let Err(error) = self.keys.flush() {
            tracing::warn!(%error, "the keys' last uses could not be written");
        }
        // A running task is stopped and queued again, to run at the next start.
        self.tasks.close();
        self.memory.close();
        served
    }
}

/// The HTTP/1.1 server on `listener`: actix-web's app, on connections read and written
/// through [`http::wire::Wire`] (which actix-web's `HttpServer` cannot insert), with the
/// timeouts `HttpServer` would set.
fn serve(
    listener: TcpListener,
    local: std::net::SocketAddr,
    state: web::Data<AppState>,
) -> std::io::Result<Server> {
    use actix_service::{fn_service, map_config, ServiceFactoryExt as _};
    use actix_web::dev::AppConfig;
    use std::time::Duration;
    listener.set_nonblocking(true)?;
    Ok(actix_server::Server::build()
        // Signals are ours (see `stop_on_signals`): actix would drop in-flight answers on
        // SIGINT.
        .disable_signals()
        .listen("tetraglot", listener, move || {
            let state = state.clone();
            let app = App::new()
                .wrap(actix_web::middleware::from_fn(http::access::authenticate))
                .wrap(actix_web::middleware::from_fn(http::locale::localise))
                .wrap(actix_web::middleware::from_fn(http::head_as_get))
                .wrap(actix_web::middleware::from_fn(http::access_log))
                .wrap(TracingLogger::<http::RequestSpan>::new())
                .configure(http::configure(state));
            let http = actix_http::HttpService::build()
                .keep_alive(actix_http::KeepAlive::Timeout(Duration::from_secs(5)))
                // Slow headers are cut after 5 s (a request that never finishes its head
                // would hold a connection for ever).
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(local)
                .h1(map_config(
                    actix_service::IntoServiceFactory::into_factory(app)
                        .map_err(|e| e.error_response()),
                    |_| AppConfig::default(),
                ));
            fn_service(|io: actix_rt::net::TcpStream| async move {
                let peer = io.peer_addr().ok();
                let _ = io.set_nodelay(true);
                Ok::<_, actix_http::error::DispatchError>((http::wire::Wire::new(io), peer))
            })
            .and_then(http)
        })?
        .run())
}

/// Removes what uploads left in the spool directory: a process killed mid-upload leaves its
/// partial file behind, and nothing else ever reads it. Runs before the server accepts
/// requests, so no upload of this process is there yet.
fn clear_spool(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(file = ?path, "removed a partial upload"),
                Err(error) => {
                    tracing::warn!(file = ?path, %error, "cannot remove a partial upload")
                }
            }
        }
    }
}

/// SIGINT (Ctrl-C) and SIGTERM alike stop the server gracefully: it stops accepting, lets
/// the requests in flight finish and answer, then `run_until_stopped` closes the memory.
async fn stop_on_signals(handle: actix_web::dev::ServerHandle) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = match signal(SignalKind::terminate()) {
            Ok(terminate) => terminate,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only SIGINT stops the server");
                let _ = interrupt.await;
                handle.stop(true).await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => tracing::info!("SIGINT: finishing the requests in flight"),
            _ = terminate.recv() => tracing::info!("SIGTERM: finishing the requests in flight"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    handle.stop(true).await;
}

/// Raises the soft limit of open files to the hard one, where the OS allows: every
/// connection holds a descriptor and every upload two, and the usual soft default (1,024)
/// runs out long before the machine does.
fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::info!(limit, "open files allowed"),
        Err(error) => tracing::warn!(%error, "cannot raise the open-file limit"),
    }
}
