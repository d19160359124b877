//! Service configuration: every `serve` flag, its `TETRAGLOT_*` environment variable and its
//! default, defined once here for the command line, tests and embedding alike.

use std::path::PathBuf;

/// The largest request body accepted by default (imports included): 256 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// The largest JSON request body accepted by default: 8 MiB (10,000 units of a few hundred
/// bytes each fit; JSON is parsed whole, into several times its size).
pub const DEFAULT_MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// How many uploads (imports) are received at once by default.
pub const DEFAULT_MAX_UPLOADS: usize = 8;
/// How long an upload may wait for its next bytes by default, in seconds.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// The slowest an upload may arrive, on average, once its first `body_timeout` is over, in
/// bytes per second by default (as Apache's `mod_reqtimeout` `MinRate` does it: a 256 MiB
/// file at this rate is still 3 days; a client that trickles a byte a second is cut).
pub const DEFAULT_MIN_BODY_RATE: u64 = 1024;
/// The index writer's default memory budget, in MiB.
pub const DEFAULT_WRITER_HEAP_MB: usize = 128;
/// The most chars of text an article may have by default (all versions, markup included).
pub const DEFAULT_MAX_ARTICLE_CHARS: usize = 1_000_000;
/// The most chars a stored text (one variant of a unit, one sentence of an article) may
/// have by default; queries are held to the same number.
pub use crate::model::unit::MAX_TEXT_CHARS as DEFAULT_MAX_TEXT_CHARS;
/// Beads under this confidence are listed for review by default.
pub const DEFAULT_REVIEW_BELOW: f32 = 0.5;
/// The path prefixes a request needs no key for, by default: health probes, the sites' UI
/// strings, the edition pages and the desk's static files (its
/// calls to /v1 carry the editor's key).
pub fn default_public() -> Vec<String> {
    ["/health", "/openapi.json", "/v1/l10n", "/editions", "/desk"]
        .map(String::from)
        .to_vec()
}

/// Requests per second a key may make by default, and its burst: far above what a CAT tool
/// or the desk sends (one lookup per segment), low enough that a runaway script cannot
/// take the server from everyone else.
pub const DEFAULT_RATE_LIMIT: u32 = 100;
pub const DEFAULT_RATE_BURST: u32 = 200;
/// How long finished tasks are kept, in hours (a week).
pub const DEFAULT_TASK_RETENTION_HOURS: u64 = 168;

/// Where the server listens by default (and where `health` probes).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What `serve` needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen, e.g. `127.0.0.1:8080`; port 0 picks a free one.
    pub listen: String,
    /// Where the index lives.
    pub data_dir: PathBuf,
    /// TMX/TSV files imported at start when not yet in the memory.
    pub seed: Seed,
    /// The largest request body accepted, in bytes (imports included).
    pub max_body_bytes: usize,
    /// The largest JSON request body accepted, in bytes, after decompression.
    pub max_json_bytes: usize,
    /// Uploads received at once; more answer `503 busy` with `Retry-After`.
    pub max_uploads: usize,
    /// How long an upload may go without sending bytes before it is cut (`408`).
    pub body_timeout_secs: u64,
    /// The slowest average an upload may keep, in bytes per second: after `body_timeout`,
    /// every `min_body_rate` bytes buy one more second (`408` when the body falls behind).
    pub min_body_rate: u64,
    /// The tantivy writer's memory budget, in bytes.
    pub writer_heap_bytes: usize,
    /// The master key: when set, requests need keys (it is the admin's, and makes the
    /// others); when not, every request may do everything.
    pub master_key: Option<String>,
    /// The path prefixes a request needs no key for.
    pub public: Vec<String>,
    /// Requests per second each key may make on average (0: no limit), and how many it
    /// may make at once after a pause.
    pub rate_limit: u32,
    pub rate_burst: u32,
    /// How long finished tasks are kept before they are forgotten.
    pub task_retention: std::time::Duration,
    /// The Fluent files: one directory per locale (`locales/en/*.ftl`); `None` serves the
    /// locales built into the binary.
    pub locales_dir: Option<PathBuf>,
    /// Load the locale files that parse and report the rest, instead of refusing to start.
    pub lenient: bool,
    /// The most chars of text one article may have.
    pub max_article_chars: usize,
    /// The most chars one stored text may have (longer ones are refused or skipped).
    pub max_text_chars: usize,
    /// Aligned beads under this confidence are marked for review.
    pub review_below: f32,
}

/// Which memories `serve` imports at start (each file once: see `engine::seed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// None.
    Off,
    /// The repository's `memories/`, built into the binary.
    Builtin,
    /// The TMX/TSV files of a directory, which must exist.
    Dir(PathBuf),
}

impl Config {
    /// The editorial settings these options give.
    pub fn editorial(&self) -> crate::editorial::Settings {
        crate::editorial::Settings {
            max_article_chars: self.max_article_chars,
            align: crate::align::Params {
                review_below: self.review_below,
                ..crate::align::Params::default()
            },
            max_text_chars: self.max_text_chars,
            models: Default::default(),
        }
    }

    /// Defaults for tests and embedding: loopback, port 0, no seeds.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            listen: "127.0.0.1:0".into(),
            data_dir: data_dir.into(),
            seed: Seed::Off,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_json_bytes: DEFAULT_MAX_JSON_BYTES,
            max_uploads: DEFAULT_MAX_UPLOADS,
            body_timeout_secs: DEFAULT_BODY_TIMEOUT_SECS,
            min_body_rate: DEFAULT_MIN_BODY_RATE,
            writer_heap_bytes: DEFAULT_WRITER_HEAP_MB * 1024 * 1024,
            master_key: None,
            public: default_public(),
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_burst: DEFAULT_RATE_BURST,
            task_retention: std::time::Duration::from_secs(DEFAULT_TASK_RETENTION_HOURS * 3600),
            locales_dir: None,
            lenient: false,
            max_article_chars: DEFAULT_MAX_ARTICLE_CHARS,
            max_text_chars: DEFAULT_MAX_TEXT_CHARS,
            review_below: DEFAULT_REVIEW_BELOW,
        }
    }
}

/// Why the configuration given cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the API key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the API key file {0} is empty")]
    EmptyKeyFile(String),
    #[error("the master key has {0} characters; use at least {MIN_MASTER_KEY_CHARS} (e.g. `openssl rand -base64 32`): a short one can be guessed over the network")]
    ShortMasterKey(usize),
    #[error("--public '/' would make every path public, keys and metrics included; list prefixes such as /health,/editions")]
    EverythingPublic,
}

/// The shortest master key taken.
pub const MIN_MASTER_KEY_CHARS: usize = 16;

/// The `serve` flags as the command line takes them.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "TETRAGLOT_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: String,
    /// TMX/TSV files imported at start when not yet in the memory [default: the seed
    /// memories built into the binary].
    #[arg(long, env = "TETRAGLOT_SEED_DIR")]
    pub seed_dir: Option<PathBuf>,
    /// Do not import any seed memories.
    #[arg(long, env = "TETRAGLOT_NO_SEED", conflicts_with = "seed_dir")]
    pub no_seed: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "TETRAGLOT_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest JSON request body accepted, in bytes (after decompression).
    #[arg(long, env = "TETRAGLOT_MAX_JSON_BYTES", default_value_t = DEFAULT_MAX_JSON_BYTES)]
    pub max_json_bytes: usize,
    /// Uploads (imports) received at once; more answer 503 with Retry-After.
    #[arg(long, env = "TETRAGLOT_MAX_UPLOADS", default_value_t = DEFAULT_MAX_UPLOADS)]
    pub max_uploads: usize,
    /// Seconds an upload may go without sending bytes before it is cut (408).
    #[arg(long, env = "TETRAGLOT_BODY_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS)]
    pub body_timeout_secs: u64,
    /// The slowest an upload may arrive on average after its first --body-timeout-secs, in
    /// bytes per second (408 when it falls behind).
    #[arg(long, env = "TETRAGLOT_MIN_BODY_RATE", default_value_t = DEFAULT_MIN_BODY_RATE)]
    pub min_body_rate: u64,
    /// Memory budget of the index writer, in MiB.
    #[arg(long, env = "TETRAGLOT_WRITER_HEAP_MB", default_value_t = DEFAULT_WRITER_HEAP_MB)]
    pub writer_heap_mb: usize,
    /// Read the master key from this file (its first line). It can also come from the
    /// environment variable TETRAGLOT_MASTER_KEY; never from a flag, whose value every user
    /// of the machine sees in `ps`. With a master key set, requests need keys.
    #[arg(long, env = "TETRAGLOT_MASTER_KEY_FILE", alias = "api-key-file")]
    pub master_key_file: Option<PathBuf>,
    /// The path prefixes a request needs no key for, comma-separated; `none` for none.
    #[arg(
        long,
        env = "TETRAGLOT_PUBLIC",
        value_delimiter = ',',
        default_value = "/health,/openapi.json,/v1/l10n,/editions,/desk"
    )]
    pub public: Vec<String>,
    /// Requests per second each key may make on average; 0 for no limit. Beyond it, 429
    /// with Retry-After. Requests without a key (public paths) are not limited here.
    #[arg(long, env = "TETRAGLOT_RATE_LIMIT", default_value_t = DEFAULT_RATE_LIMIT)]
    pub rate_limit: u32,
    /// How many requests a key may make at once after a pause.
    #[arg(long, env = "TETRAGLOT_RATE_BURST", default_value_t = DEFAULT_RATE_BURST)]
    pub rate_burst: u32,
    /// How many hours finished tasks (/v1/tasks) are kept; 0 forgets them at the next task.
    #[arg(long, env = "TETRAGLOT_TASK_RETENTION_HOURS", default_value_t = DEFAULT_TASK_RETENTION_HOURS)]
    pub task_retention_hours: u64,
    /// The Fluent files, one directory per locale (locales/en/*.ftl) [default: the locales
    /// built into the binary].
    #[arg(long, env = "TETRAGLOT_LOCALES_DIR")]
    pub locales_dir: Option<PathBuf>,
    /// Load the .ftl files that parse and report the rest, instead of refusing to start.
    #[arg(long, env = "TETRAGLOT_LENIENT")]
    pub lenient: bool,
    /// The most chars of text one article may have (all versions together).
    #[arg(long, env = "TETRAGLOT_MAX_ARTICLE_CHARS", default_value_t = DEFAULT_MAX_ARTICLE_CHARS)]
    pub max_article_chars: usize,
    /// The most chars one stored text may have: a unit's variant, an article's sentence
    /// (longer ones are refused, and skipped by imports).
    #[arg(long, env = "TETRAGLOT_MAX_TEXT_CHARS", default_value_t = DEFAULT_MAX_TEXT_CHARS)]
    pub max_text_chars: usize,
    /// Aligned beads under this confidence (0–1) are marked for an editor's review.
    #[arg(long, env = "TETRAGLOT_REVIEW_BELOW", default_value_t = DEFAULT_REVIEW_BELOW)]
    pub review_below: f32,
}

impl ServeArgs {
    /// The configuration these flags describe, for the memory in `data_dir`.
    pub fn into_config(self, data_dir: PathBuf) -> Result<Config, ConfigError> {
        // TETRAGLOT_API_KEY(_FILE) are the names the master key had before keys had roles.
        let env = |name: &str| std::env::var(name).ok().filter(|k| !k.trim().is_empty());
        let key_file = self
            .master_key_file
            .or_else(|| env("TETRAGLOT_API_KEY_FILE").map(PathBuf::from));
        let master_key = match &key_file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::KeyFile {
                        path: path.display().to_string(),
                        source,
                    })?;
                let key = text.lines().next().unwrap_or("").trim().to_string();
                if key.is_empty() {
                    return Err(ConfigError::EmptyKeyFile(path.display().to_string()));
                }
                Some(key)
            }
            None => env("TETRAGLOT_MASTER_KEY")
                .or_else(|| env("TETRAGLOT_API_KEY"))
                .map(|k| k.trim().to_string()),
        };
        if let Some(key) = &master_key {
            if key.chars().count() < MIN_MASTER_KEY_CHARS {
                return Err(ConfigError::ShortMasterKey(key.chars().count()));
            }
        }
        let public: Vec<String> = self
            .public
            .into_iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty() && p != "none")
            .collect();
        if public.iter().any(|p| p.trim_end_matches('/').is_empty()) {
            return Err(ConfigError::EverythingPublic);
        }
        Ok(Config {
            listen: self.listen,
            data_dir,
            seed: match (self.no_seed, self.seed_dir) {
                (true, _) => Seed::Off,
                (false, Some(dir)) => Seed::Dir(dir),
                (false, None) => Seed::Builtin,
            },
            max_body_bytes: self.max_body_bytes,
            max_json_bytes: self.max_json_bytes,
            max_uploads: self.max_uploads.max(1),
            body_timeout_secs: self.body_timeout_secs.max(1),
            min_body_rate: self.min_body_rate.max(1),
            writer_heap_bytes: self.writer_heap_mb * 1024 * 1024,
            master_key,
            public,
            rate_limit: self.rate_limit,
            rate_burst: self.rate_burst.max(1),
            task_retention: std::time::Duration::from_secs(
                self.task_retention_hours.saturating_mul(3600),
            ),
            locales_dir: self.locales_dir,
            lenient: self.lenient,
            max_article_chars: self.max_article_chars.max(1),
            max_text_chars: self.max_text_chars.max(1),
            review_below: self.review_below.clamp(0.0, 1.0),
        })
    }
}

/// Where a health probe connects for a server told to listen on `listen`: the address
/// itself, or loopback of the same family when it is a wildcard (`0.0.0.0`, `[::]`).
pub fn probe_address(listen: &str) -> String {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(addr) if addr.ip().is_unspecified() => {
            let loopback: std::net::IpAddr = if addr.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            };
            std::net::SocketAddr::new(loopback, addr.port()).to_string()
        }
        Ok(addr) => addr.to_string(),
        // A host name (`localhost:8080`): connect to it as given.
        Err(_) => listen.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_connects_where_the_server_listens() {
        // Once always 127.0.0.1, whatever host --listen named.
        assert_eq!(probe_address("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(probe_address("[::]:8080"), "[::1]:8080");
        assert_eq!(probe_address("127.0.0.2:9000"), "127.0.0.2:9000");
        assert_eq!(probe_address("[::1]:80"), "[::1]:80");
        assert_eq!(probe_address("localhost:8080"), "localhost:8080");
    }

    #[test]
    fn the_api_key_comes_from_a_file_or_the_environment() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            serve: ServeArgs,
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        std::fs::write(&file, "s3cret-s3cret-s3cret\n").unwrap();
        let cli = Cli::parse_from(["t", "--master-key-file", file.to_str().unwrap()]);
        let config = cli.serve.into_config("data".into()).unwrap();
        assert_eq!(config.master_key.as_deref(), Some("s3cret-s3cret-s3cret"));
        // The flag's older name.
        let cli = Cli::parse_from(["t", "--api-key-file", file.to_str().unwrap()]);
        let config = cli.serve.into_config("data".into()).unwrap();
        assert_eq!(config.master_key.as_deref(), Some("s3cret-s3cret-s3cret"));
        std::fs::write(&file, "\n").unwrap();
        let cli = Cli::parse_from(["t", "--master-key-file", file.to_str().unwrap()]);
        assert!(cli.serve.into_config("data".into()).is_err());
        let defaults = Cli::parse_from(["t"])
            .serve
            .into_config("data".into())
            .unwrap();
        assert_eq!(defaults.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(defaults.seed, Seed::Builtin);
        assert_eq!(defaults.locales_dir, None);
        assert_eq!(defaults.public, default_public());
        let closed = Cli::parse_from(["t", "--public", "none"])
            .serve
            .into_config("d".into());
        assert!(closed.unwrap().public.is_empty());
        let everything = Cli::parse_from(["t", "--public", "/health,/"]);
        assert!(everything.serve.into_config("d".into()).is_err());
        std::fs::write(&file, "short\n").unwrap();
        let cli = Cli::parse_from(["t", "--master-key-file", file.to_str().unwrap()]);
        assert!(matches!(
            cli.serve.into_config("d".into()),
            Err(ConfigError::ShortMasterKey(5))
        ));
        let some = Cli::parse_from(["t", "--public", "/health,/editions"]);
        assert_eq!(
            some.serve.into_config("d".into()).unwrap().public,
            ["/health", "/editions"]
        );
        let off = Cli::parse_from(["t", "--no-seed"])
            .serve
            .into_config("d".into());
        assert_eq!(off.unwrap().seed, Seed::Off);
    }
}
