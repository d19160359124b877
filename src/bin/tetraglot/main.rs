//! The `tetraglot` binary: parses the command line and runs the subcommand (see
//! `commands`), on top of the library.

mod commands;

/// mimalloc instead of the system allocator: a lookup or an import allocates many small
/// strings and vectors, and glibc's malloc took 7–17 % of their time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tetraglot::config::{ServeArgs, DEFAULT_LISTEN};
use tetraglot::memory::MatchQuery;

#[derive(Parser)]
#[command(
    name = "tetraglot",
    version,
    about = "Translation memory for hy, az, ru and en"
)]
struct Cli {
    /// Where the memory's index lives.
    #[arg(
        long,
        global = true,
        env = "TETRAGLOT_DATA_DIR",
        default_value = "./data"
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (imports the seed memories first time round).
    Serve(ServeArgs),
    /// Import a TMX, TSV or XLIFF file into the memory (the server must not be running on
    /// it), or, with --server, into a running server, following its progress there.
    Import {
        file: PathBuf,
        /// A running server to send the file to (its URL, e.g. http://localhost:8080): it
        /// imports the file as a task, and the progress shown is the server's. The key comes
        /// from TETRAGLOT_KEY or --key-file.
        #[arg(long, env = "TETRAGLOT_SERVER")]
        server: Option<String>,
        /// A file whose first line is the key for --server (a write key); never the key
        /// itself on the command line, where `ps` shows it.
        #[arg(long, env = "TETRAGLOT_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// tmx or tsv; by default from the file name.
        #[arg(long)]
        format: Option<String>,
        /// How units meet the stored ones: `none` (replace by id), `id` (merge by id) or
        /// `source` (merge by id, and join a unit with the same text in one language: an
        /// en→hy file and an en→ru file make en+hy+ru units).
        #[arg(long, default_value = "source")]
        merge: String,
        /// Memory budget of the index writer, in MiB.
        #[arg(long, env = "TETRAGLOT_WRITER_HEAP_MB", default_value_t = 256)]
        writer_heap_mb: usize,
        /// The most chars one stored text may have (longer ones are skipped).
        #[arg(long, env = "TETRAGLOT_MAX_TEXT_CHARS", default_value_t = tetraglot::config::DEFAULT_MAX_TEXT_CHARS)]
        max_text_chars: usize,
    },
    /// Export the memory as TMX (or TSV) to stdout or a file.
    Export {
        #[arg(long, default_value = "tmx")]
        format: String,
        /// Comma-separated languages to keep, e.g. en,hy (for a CAT tool: its project's two).
        #[arg(long)]
        langs: Option<String>,
        /// Also the units that lack one of the export's languages (a backup; a CAT tool
        /// takes a unit's other languages for the missing one).
        #[arg(long)]
        partial: bool,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Merge the index into one segment (lookups get faster after large imports, which do
    /// this by themselves); the server must not be running on the data directory.
    Optimize,
    /// Exit 0 when the server at --listen answers /health (for container health checks).
    Health {
        #[arg(long, env = "TETRAGLOT_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: String,
    },
    /// Align a text and its translation sentence by sentence (plain text files, paragraphs
    /// separated by blank lines): prints each bead with its confidence, or writes TMX.
    Align {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        source: PathBuf,
        target: PathBuf,
        /// Write the aligned pairs as TMX to this file instead of printing the beads.
        #[arg(long)]
        tmx: Option<PathBuf>,
        /// Beads under this confidence (and all that are not 1-1) are marked for review.
        #[arg(long, default_value_t = tetraglot::align::Params::default().review_below)]
        review_below: f32,
    },
    /// Articles: `article add FILE.json|DIR` segments, aligns and stores them (the server
    /// must not be running on the data directory).
    Article {
        #[command(subcommand)]
        action: ArticleAction,
    },
    /// Look a sentence up in the memory.
    Match {
        text: String,
        #[arg(long)]
        from: String,
        /// Target languages (repeat or comma-separate); all by default.
        #[arg(long, value_delimiter = ',')]
        to: Vec<String>,
        #[arg(long, default_value_t = MatchQuery::DEFAULT_MIN_SCORE)]
        min_score: u32,
        #[arg(long, default_value_t = MatchQuery::DEFAULT_LIMIT)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum ArticleAction {
    /// Add (or replace) articles: one JSON article per file, as POST /v1/articles takes it;
    /// a directory adds every *.json file in it.
    Add {
        path: PathBuf,
        /// The most chars of text one article may have.
        #[arg(long, default_value_t = tetraglot::config::DEFAULT_MAX_ARTICLE_CHARS)]
        max_article_chars: usize,
        /// The most chars one stored text may have (longer ones are skipped).
        #[arg(long, env = "TETRAGLOT_MAX_TEXT_CHARS", default_value_t = tetraglot::config::DEFAULT_MAX_TEXT_CHARS)]
        max_text_chars: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TETRAGLOT_LOG")
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        // A closed stderr (`serve 2>&1 | head`) must not stop the server: a log line that
        // cannot be written is dropped, not reported with a panicking `eprintln!`.
        .log_internal_errors(false);
    // One JSON object a line, for a log collector; its fields escaped by the serialiser.
    match std::env::var("TETRAGLOT_LOG_FORMAT").as_deref() {
        Ok("json") => logs.json().with_current_span(true).init(),
        Ok("text") | Err(_) => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        Ok(other) => {
            logs.with_ansi(false).init();
            tracing::warn!(
                format = other,
                "TETRAGLOT_LOG_FORMAT is json or text; writing text"
            );
        }
    }
    let cli = Cli::parse();
    let data_dir = cli.data_dir;
    match cli.command {
        Command::Serve(args) => commands::serve(args.into_config(data_dir)?),
        Command::Import {
            file,
            server: Some(server),
            key_file,
            format,
            merge,
            ..
        } => commands::import_remote(
            &server,
            key_file.as_deref(),
            &file,
            format.as_deref(),
            &merge,
        ),
        Command::Import {
            file,
            server: None,
            format,
            merge,
            writer_heap_mb,
            max_text_chars,
            ..
        } => commands::import(
            &data_dir,
            &file,
            format.as_deref(),
            &merge,
            writer_heap_mb,
            max_text_chars,
        ),
        Command::Export {
            format,
            langs,
            partial,
            output,
        } => commands::export(&data_dir, &format, langs.as_deref(), partial, output),
        Command::Health { listen } => commands::health(&listen),
        Command::Optimize => commands::optimize(&data_dir),
        Command::Align {
            from,
            to,
            source,
            target,
            tmx,
            review_below,
        } => commands::align(&from, &to, &source, &target, tmx.as_deref(), review_below),
        Command::Article {
            action:
                ArticleAction::Add {
                    path,
                    max_article_chars,
                    max_text_chars,
                },
        } => commands::article_add(&data_dir, &path, max_article_chars, max_text_chars),
        Command::Match {
            text,
            from,
            to,
            min_score,
            limit,
        } => commands::lookup(&data_dir, text, &from, &to, min_score, limit),
    }
}
