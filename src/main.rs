//! The `tetraglot` binary: parses the command line and hands over to the library.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use tetraglot::config::Config;
use tetraglot::engine::ExportFormat;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{ExportFilter, MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::startup::Application;

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
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, env = "TETRAGLOT_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// TMX/TSV files imported at start when not yet in the memory.
        #[arg(long, env = "TETRAGLOT_SEED_DIR", default_value = "memories")]
        seed_dir: PathBuf,
        /// Do not import the seed directory.
        #[arg(long, env = "TETRAGLOT_NO_SEED")]
        no_seed: bool,
        /// Largest request body accepted, in bytes.
        #[arg(long, env = "TETRAGLOT_MAX_BODY_BYTES", default_value_t = 256 * 1024 * 1024)]
        max_body_bytes: usize,
        /// Memory budget of the index writer, in MiB.
        #[arg(long, env = "TETRAGLOT_WRITER_HEAP_MB", default_value_t = 128)]
        writer_heap_mb: usize,
        /// Require `Authorization: Bearer <key>` on /v1.
        #[arg(long, env = "TETRAGLOT_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// The Fluent files, one directory per locale (locales/en/*.ftl).
        #[arg(long, env = "TETRAGLOT_LOCALES_DIR", default_value = "locales")]
        locales_dir: PathBuf,
        /// Load the .ftl files that parse and report the rest, instead of refusing to start.
        #[arg(long, env = "TETRAGLOT_LENIENT")]
        lenient: bool,
    },
    /// Import a TMX or TSV file into the memory (the server must not be running on it).
    Import {
        file: PathBuf,
        /// tmx or tsv; by default from the file name.
        #[arg(long)]
        format: Option<String>,
        /// Memory budget of the index writer, in MiB.
        #[arg(long, env = "TETRAGLOT_WRITER_HEAP_MB", default_value_t = 256)]
        writer_heap_mb: usize,
    },
    /// Export the memory as TMX (or TSV) to stdout or a file.
    Export {
        #[arg(long, default_value = "tmx")]
        format: String,
        /// Comma-separated languages to keep, e.g. en,hy.
        #[arg(long)]
        langs: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Merge the index into one segment (lookups get faster after large imports, which do
    /// this by themselves); the server must not be running on the data directory.
    Optimize,
    /// Exit 0 when the server at --listen answers /health (for container health checks).
    Health {
        #[arg(long, env = "TETRAGLOT_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
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

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TETRAGLOT_LOG")
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            listen,
            seed_dir,
            no_seed,
            max_body_bytes,
            writer_heap_mb,
            api_key,
            locales_dir,
            lenient,
        } => {
            let config = Config {
                listen,
                data_dir: cli.data_dir,
                seed_dir: (!no_seed).then_some(seed_dir),
                max_body_bytes,
                writer_heap_bytes: writer_heap_mb * 1024 * 1024,
                api_key: api_key.filter(|k| !k.is_empty()),
                locales_dir,
                lenient,
            };
            serve(config)
        }
        Command::Import {
            file,
            format,
            writer_heap_mb,
        } => import(&cli.data_dir, &file, format.as_deref(), writer_heap_mb),
        Command::Export {
            format,
            langs,
            output,
        } => export(&cli.data_dir, &format, langs.as_deref(), output),
        Command::Health { listen } => health(&listen),
        Command::Optimize => {
            let memory = Memory::open(
                &cli.data_dir,
                Mode::ReadWrite {
                    heap_bytes: 64 << 20,
                },
            )?;
            let segments = memory.optimize().wait()?;
            println!("{segments} segments merged into one");
            Ok(())
        }
        Command::Match {
            text,
            from,
            to,
            min_score,
            limit,
        } => {
            let memory = Memory::open(&cli.data_dir, Mode::ReadOnly)?;
            let query = MatchQuery {
                text,
                source: Lang::parse(&from)?,
                targets: to
                    .iter()
                    .map(|t| Lang::parse(t))
                    .collect::<Result<_, _>>()?,
                min_score,
                limit: limit.clamp(1, MatchQuery::MAX_LIMIT),
                context: None,
            };
            for m in memory.find_matches(&query)? {
                println!("[{}%] {}  ({})", m.score, m.source_text, m.unit.id);
                for (lang, text) in &m.targets {
                    println!("    {lang}: {text}");
                }
            }
            Ok(())
        }
    }
}

/// A dependency-free probe: one HTTP/1.0 GET of /health on loopback.
fn health(listen: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let port = listen.rsplit(':').next().unwrap_or("8080");
    let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}"))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(3)))?;
    stream.write_all(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200") {
        Ok(())
    } else {
        bail!(
            "unhealthy: {}",
            answer.lines().next().unwrap_or("no answer")
        )
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)?;
        println!("listening on {}", app.url());
        let _seeding = app.seed_in_background();
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn import(
    data_dir: &std::path::Path,
    file: &std::path::Path,
    format: Option<&str>,
    heap_mb: usize,
) -> anyhow::Result<()> {
    let kind = match format {
        Some("tmx") => FileKind::Tmx,
        Some("tsv") => FileKind::Tsv,
        Some(other) => bail!("unknown format '{other}': use tmx or tsv"),
        None => FileKind::from_path(file).with_context(|| {
            format!(
                "cannot tell the format of {}: pass --format",
                file.display()
            )
        })?,
    };
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let memory = Memory::open(
        data_dir,
        Mode::ReadWrite {
            heap_bytes: heap_mb * 1024 * 1024,
        },
    )?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} [{bar:40}] {bytes_per_sec}, {eta} left",
            )?
            .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    let progress = bar
        .clone()
        .map(|bar| Box::new(move |n: u64| bar.inc(n)) as Box<dyn Fn(u64) + Send>);
    let started = std::time::Instant::now();
    let imported = tetraglot::engine::import_file(&memory, file, kind, progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    let report = imported.report;
    if let Some(optimize) = imported.optimize {
        optimize.wait()?;
    }
    println!(
        "read {} units: {} added, {} merged, {} skipped in {:.1} s ({:.0} units/s)",
        report.read,
        report.added,
        report.merged,
        report.skipped_total,
        seconds,
        report.read as f64 / seconds.max(1e-9)
    );
    for skip in report.skipped.iter().take(20) {
        println!("  line {}: {}", skip.line, skip.reason);
    }
    Ok(())
}

fn export(
    data_dir: &std::path::Path,
    format: &str,
    langs: Option<&str>,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let memory = Memory::open(data_dir, Mode::ReadOnly)?;
    let filter = ExportFilter {
        langs: langs
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Lang::parse)
            .collect::<Result<_, _>>()?,
        ..ExportFilter::default()
    };
    let out: Box<dyn std::io::Write> = match output {
        Some(path) => Box::new(std::fs::File::create(&path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::new(out);
    match format {
        "tmx" => drop(tetraglot::engine::export(
            &memory,
            out,
            ExportFormat::Tmx,
            &filter,
        )?),
        "tsv" => drop(tetraglot::engine::export(
            &memory,
            out,
            ExportFormat::Tsv,
            &filter,
        )?),
        other => bail!("unknown format '{other}': use tmx or tsv"),
    }
    Ok(())
}
