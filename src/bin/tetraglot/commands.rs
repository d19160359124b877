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
    let kind = file_kind(file, format)?;
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

/// The format of `file`: as `--format` says, or by its name.
fn file_kind(file: &Path, format: Option<&str>) -> anyhow::Result<FileKind> {
    match format {
        Some(name) => FileKind::from_name(name)
            .with_context(|| format!("unknown format '{name}': use tmx, tsv or xliff")),
        None => FileKind::from_path(file).with_context(|| {
            format!(
                "cannot tell the format of {}: pass --format",
                file.display()
            )
        }),
    }
}

/// The key for `--server`: `TETRAGLOT_KEY`, or the first line of `key_file`.
fn client_key(key_file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if let Some(path) = key_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the key file {}", path.display()))?;
        let key = text.lines().next().unwrap_or("").trim().to_string();
        if key.is_empty() {
            bail!("the key file {} is empty", path.display());
        }
        return Ok(Some(key));
    }
    Ok(std::env::var("TETRAGLOT_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty()))
}

/// What a server's error answer says: `code: message (line N)`.
fn server_error(error: ureq::Error) -> anyhow::Error {
    match error {
        ureq::Error::Status(status, response) => {
            let body: serde_json::Value = response.into_json().unwrap_or_default();
            let error = &body["error"];
            anyhow::anyhow!(
                "the server answered {status}: {}",
                failure_text(error).unwrap_or_else(|| body.to_string())
            )
        }
        other => anyhow::anyhow!("the server could not be reached: {other}"),
    }
}

fn failure_text(error: &serde_json::Value) -> Option<String> {
    let code = error["code"].as_str()?;
    let message = error["message"].as_str().unwrap_or("");
    Some(match error["line"].as_u64() {
        Some(line) => format!("{code}: {message} (line {line})"),
        None => format!("{code}: {message}"),
    })
}

/// `import --server`: sends the file to a running server as a task and follows the task
/// there (the bytes its parser has read, the units written) until it ends.
pub fn import_remote(
    server: &str,
    key_file: Option<&Path>,
    file: &Path,
    format: Option<&str>,
    merge: &str,
) -> anyhow::Result<()> {
    let kind = file_kind(file, format)?;
    let merge: tetraglot::memory::Merge = merge.parse().map_err(anyhow::Error::msg)?;
    let key = client_key(key_file)?;
    let base = server.trim_end_matches('/');
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let terminal = std::io::stderr().is_terminal();
    let bar = |template: &str| -> anyhow::Result<Option<indicatif::ProgressBar>> {
        if !terminal {
            return Ok(None);
        }
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(indicatif::ProgressStyle::with_template(template)?.progress_chars("=> "));
        Ok(Some(bar))
    };
    let authorized = |request: ureq::Request| match &key {
        Some(key) => request.set("Authorization", &format!("Bearer {key}")),
        None => request,
    };
    let sending = bar("sending   {bytes}/{total_bytes} [{bar:40}] {bytes_per_sec}")?;
    let moved = sending.clone();
    let body = tetraglot::engine::ProgressReader::new(
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
        move |n| {
            if let Some(bar) = &moved {
                bar.inc(n);
            }
        },
    );
    let started = std::time::Instant::now();
    let url = format!(
        "{base}/v1/import?format={}&merge={}",
        kind.name(),
        merge.as_str()
    );
    let answer = authorized(ureq::post(&url))
        .set("Prefer", "respond-async")
        .set("Content-Type", "application/octet-stream")
        .set("Content-Length", &size.to_string())
        .send(body)
        .map_err(server_error)?;
    if let Some(bar) = sending {
        bar.finish_and_clear();
    }
    let answer: serde_json::Value = answer.into_json()?;
    let id = answer["task"]["id"]
        .as_u64()
        .with_context(|| format!("the server answered no task: {answer}"))?;
    eprintln!("task {id}: {base}/v1/tasks/{id}");
    let importing = bar("importing {bytes}/{total_bytes} [{bar:40}] {msg}")?;
    // The task runs on whatever happens to this command: a busy server, or one restarting
    // (a task survives that), is asked again for a while rather than given up on.
    let mut unreachable_since: Option<std::time::Instant> = None;
    let task = loop {
        let answer = authorized(ureq::get(&format!("{base}/v1/tasks/{id}"))).call();
        let wait = match &answer {
            Err(ureq::Error::Status(429 | 503, response)) => Some(
                response
                    .header("retry-after")
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(1),
            ),
            Err(ureq::Error::Transport(_)) => Some(1),
            _ => None,
        };
        if let Some(seconds) = wait {
            let since = *unreachable_since.get_or_insert_with(std::time::Instant::now);
            if since.elapsed() < std::time::Duration::from_secs(120) {
                std::thread::sleep(std::time::Duration::from_secs(seconds.clamp(1, 30)));
                continue;
            }
        }
        unreachable_since = None;
        let task: serde_json::Value = answer
            .map_err(server_error)
            .with_context(|| format!("task {id} may still run: {base}/v1/tasks/{id}"))?
            .into_json()?;
        let progress = &task["progress"];
        if let Some(bar) = &importing {
            bar.set_position(progress["bytes_read"].as_u64().unwrap_or(0));
            bar.set_message(format!(
                "{} units",
                progress["units_read"].as_u64().unwrap_or(0)
            ));
        }
        if !matches!(task["status"].as_str(), Some("enqueued" | "processing")) {
            break task;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    if let Some(bar) = importing {
        bar.finish_and_clear();
    }
    match task["status"].as_str() {
        Some("succeeded") => {
            let report = &task["result"];
            let count = |field: &str| report[field].as_u64().unwrap_or(0);
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "task {id}: read {} units: {} added, {} merged, {} joined, {} skipped in {:.1} s",
                count("read"),
                count("added"),
                count("merged"),
                count("joined"),
                count("skipped_total"),
                seconds
            );
            for skip in report["skipped"].as_array().into_iter().flatten().take(20) {
                println!(
                    "  line {}: {}",
                    skip["line"],
                    skip["reason"].as_str().unwrap_or("")
                );
            }
            Ok(())
        }
        Some("failed") => bail!(
            "task {id} failed, nothing of it was imported: {}",
            failure_text(&task["error"]).unwrap_or_else(|| task["error"].to_string())
        ),
        other => bail!(
            "task {id} ended {}, nothing of it was imported",
            other.unwrap_or("?")
        ),
    }
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
                tetraglot::editorial::save(
                    &memory,
                    input,
                    &settings,
                    &tetraglot::editorial::Scope::Any,
                )
                .map_err(anyhow::Error::from)
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
