//! Service configuration, from the command line and `TETRAGLOT_*` environment variables.

use std::path::PathBuf;

/// What `serve` needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen, e.g. `127.0.0.1:8080`; port 0 picks a free one.
    pub listen: String,
    /// Where the index lives.
    pub data_dir: PathBuf,
    /// TMX/TSV files imported at start when not yet in the memory; `None` skips seeding.
    pub seed_dir: Option<PathBuf>,
    /// The largest request body accepted, in bytes (imports included).
    pub max_body_bytes: usize,
    /// The tantivy writer's memory budget, in bytes.
    pub writer_heap_bytes: usize,
    /// When set, every `/v1` request must carry `Authorization: Bearer <key>`.
    pub api_key: Option<String>,
    /// The Fluent files: one directory per locale (`locales/en/*.ftl`).
    pub locales_dir: PathBuf,
    /// Load the locale files that parse and report the rest, instead of refusing to start.
    pub lenient: bool,
}

impl Config {
    /// Defaults for tests and embedding: loopback, port 0, no seeds.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            listen: "127.0.0.1:0".into(),
            data_dir: data_dir.into(),
            seed_dir: None,
            max_body_bytes: 256 * 1024 * 1024,
            writer_heap_bytes: 128 * 1024 * 1024,
            api_key: None,
            // Relative to the working directory, like the other defaults; tests pass
            // `concat!(env!("CARGO_MANIFEST_DIR"), "/locales")`.
            locales_dir: "locales".into(),
            lenient: false,
        }
    }
}
