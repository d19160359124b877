//! What each subcommand does, on top of the library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tetraglot::config::Config;
use tetraglot::engine::ExportFormat;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{ExportFilter, MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::startup::Application;

/// A dependency-free probe: one HTTP/1.0 GET of /health where the server listens.
pub fn health(listen: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let address = tetraglot::config::probe_address(listen);
    let mut stream = std::net::TcpStream::connect(&address)
        .with_context(|| format!("nothing answers at {address}"))?;
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

pub fn serve(config: Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let mut app = Application::build(config)?;
        println!("listening on {}", app.url());
        let _seeding = app.seed_in_background();
        app.run_until_stopped().await?;
        Ok(())
    })
}

pub fn import(
    data_dir: &Path,
    file: &std::path::Path,
    format: Option<&str>,
    merge: &str,
    heap_mb: usize,
    max_text_chars: usize,
) -> anyhow::Result<()> {
    let merge: tetraglot::memory::Merge = merge.parse().map_err(anyhow::Error::msg)?;
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
    )?
    .with_max_text_chars(max_text_chars);
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
    let imported = tetraglot::engine::import_file_with(&memory, file, kind, progress, merge)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    let report = imported.report;
    if let Some(optimize) = imported.optimize {
        optimize.wait()?;
    }
    println!(
        "read {} units: {} added, {} merged, {} joined, {} skipped in {:.1} s ({:.0} units/s)",
        report.read,
        report.added,
        report.merged,
        report.joined,
        report.skipped_total,
        seconds,
        report.read as f64 / seconds.max(1e-9)
    );
    for skip in report.skipped.iter().take(20) {
        println!("  line {}: {}", skip.line, skip.reason);
    }
    Ok(())
}

pub fn export(
    data_dir: &Path,
    format: &str,
    langs: Option<&str>,
    partial: bool,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let format = match format {
        "tmx" => ExportFormat::Tmx,
        "tsv" => ExportFormat::Tsv,
        other => bail!("unknown format '{other}': use tmx or tsv"),
    };
    let memory = Memory::open(data_dir, Mode::ReadOnly)?;
    let filter = ExportFilter {
        langs: langs
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Lang::parse)
            .collect::<Result<_, _>>()?,
        partial,
        ..ExportFilter::default()
    };
    let out: Box<dyn std::io::Write> = match output {
        Some(path) => Box::new(std::fs::File::create(&path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::new(out);
    let (_, exported) = tetraglot::engine::export(&memory, out, format, &filter)?;
    eprint!("{} units written", exported.units);
    if exported.incomplete > 0 {
        eprint!(
            "; {} left out because each lacks one of the export's languages (--partial writes them, for backups: not for CAT tools)",
            exported.incomplete
        );
    }
    eprintln!();
    Ok(())
}

/// Looks a sentence up and prints the matches.
pub fn lookup(
    data_dir: &Path,
    text: String,
    from: &str,
    to: &[String],
    min_score: u32,
    limit: usize,
) -> anyhow::Result<()> {
    let memory = Memory::open(data_dir, Mode::ReadOnly)?;
    let query = MatchQuery {
        text,
        source: Lang::parse(from)?,
        targets: to
            .iter()
            .map(|t| Lang::parse(t))
            .collect::<Result<_, _>>()?,
        min_score,
        limit: limit.clamp(1, MatchQuery::MAX_LIMIT),
        context: None,
        exclude_document: None,
        only: Default::default(),
    };
    let matches = memory.find_matches(&query)?;
    if matches.is_empty() {
        // Say why nothing was printed, and how close the memory came.
        let best = memory
            .find_matches(&MatchQuery {
                min_score: 0,
                limit: 1,
                ..query.clone()
            })?
            .into_iter()
            .next();
        match best {
            Some(m) => println!(
                "no match ≥ {min_score} (best: {}% {}  ({}); --min-score {} shows it)",
                m.score, m.source_text, m.unit.id, m.score
            ),
            None => println!("no match ≥ {min_score} (the memory holds nothing like it)"),
        }
    }
    for m in matches {
        println!("[{}%] {}  ({})", m.score, m.source_text, m.unit.id);
        for (lang, text) in &m.targets {
            println!("    {lang}: {text}");
        }
    }
    Ok(())
}

/// Merges the index into one segment.
pub fn optimize(data_dir: &Path) -> anyhow::Result<()> {
    if !tetraglot::index::exists(data_dir) {
        bail!(tetraglot::index::IndexError::NoMemory(
            data_dir.display().to_string()
        ));
    }
    let memory = Memory::open(
        data_dir,
        Mode::ReadWrite {
            heap_bytes: 64 << 20,
        },
    )?;
    let segments = memory.optimize().wait()?;
    println!("{segments} segments merged into one");
    Ok(())
}

/// Adds the articles of `path` (a JSON file, or a directory of them), each in its own commit;
/// reports each and fails at the end if any was refused.
pub fn article_add(
    data_dir: &Path,
    path: &Path,
    max_article_chars: usize,
    max_text_chars: usize,
) -> anyhow::Result<()> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read the directory {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        bail!("{} holds no .json files", path.display());
    }
    let memory = Memory::open(
        data_dir,
        Mode::ReadWrite {
            heap_bytes: 64 << 20,
        },
    )?;
    let settings = tetraglot::editorial::Settings {
        max_article_chars,
        max_text_chars,
        ..Default::default()
    };
    let mut refused = 0;
    for file in &files {
        let outcome = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))
            .and_then(|text| {
                serde_json::from_str::<tetraglot::editorial::ArticleInput>(&text)
                    .map_err(|e| anyhow::anyhow!("line {}: not an article: {e}", e.line()))
            })
            .and_then(|input| {
                tetraglot::editorial::save(&memory, input, &settings).map_err(anyhow::Error::from)
            });
        match outcome {
            Ok(saved) => {
                let aligned: Vec<String> = saved
                    .alignment
                    .iter()
                    .map(|(lang, a)| format!("{lang} {} beads, {} to review", a.beads, a.review))
                    .collect();
                println!(
                    "{}: {} ({} units added, {} updated, {} removed; {})",
                    file.display(),
                    saved.id,
                    saved.units.added,
                    saved.units.updated,
                    saved.units.removed,
                    aligned.join(", ")
                );
            }
            Err(error) => {
                refused += 1;
                eprintln!("{}: {error:#}", file.display());
            }
        }
    }
    memory.close();
    if refused > 0 {
        bail!("{refused} of {} articles were refused", files.len());
    }
    Ok(())
}

/// Aligns two plain-text versions and prints the beads (or writes TMX).
pub fn align(
    from: &str,
    to: &str,
    source: &Path,
    target: &Path,
    tmx: Option<&Path>,
    review_below: f32,
) -> anyhow::Result<()> {
    use tetraglot::align::{self, Params, Side};
    let (source_lang, target_lang) = (Lang::parse(from)?, Lang::parse(to)?);
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let (source_text, target_text) = (read(source)?, read(target)?);
    let src = align::plain_text_sentences(&source_lang, &source_text);
    let tgt = align::plain_text_sentences(&target_lang, &target_text);
    if src.is_empty() || tgt.is_empty() {
        bail!("both files need some text to align");
    }
    let params = Params {
        review_below,
        ..Params::default()
    };
    let beads = align::align(
        &Side {
            lang: &source_lang,
            sentences: &src,
        },
        &Side {
            lang: &target_lang,
            sentences: &tgt,
        },
        &params,
    );
    if let Some(path) = tmx {
        let document = source.file_stem().and_then(|s| s.to_str());
        let units = tetraglot::engine::aligned::bead_units(
            (&source_lang, &src),
            (&target_lang, &tgt),
            &beads,
            document,
            &params,
        );
        let out = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut writer = tetraglot::formats::tmx::TmxWriter::start(out, source_lang.tag())?;
        for unit in &units {
            writer.unit(unit, |_| true)?;
        }
        writer.finish()?;
        println!("{} units written to {}", units.len(), path.display());
    }
    let review = beads.iter().filter(|b| b.needs_review(&params)).count();
    if tmx.is_none() {
        let show = |sentences: &[align::Sentence], indices: &[usize]| -> String {
            indices
                .iter()
                .map(|&i| sentences[i].text.as_str())
                .collect::<Vec<_>>()
                .join(" ‖ ")
        };
        for bead in &beads {
            let mark = if bead.needs_review(&params) { "?" } else { " " };
            println!(
                "{mark} {:.2}  {}-{}  {}\n           {}",
                bead.confidence,
                bead.source.len(),
                bead.target.len(),
                show(&src, &bead.source),
                show(&tgt, &bead.target)
            );
        }
    }
    eprintln!(
        "{} beads, {} one-to-one, {review} to review",
        beads.len(),
        beads
            .iter()
            .filter(|b| b.source.len() == 1 && b.target.len() == 1)
            .count()
    );
    Ok(())
}
