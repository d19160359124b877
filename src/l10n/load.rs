//! Reads `locales/<tag>/**/*.ftl` into parsed resources, and says `file:line: what is wrong`
//! for everything that does not parse.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::FluentResource;
use unic_langid::LanguageIdentifier;

use super::negotiate::parse_tag;

/// How strict loading is.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Load what parses and report the rest, instead of refusing the whole catalog.
    pub lenient: bool,
    /// The reference locale: every other locale falls back to it; it must be present.
    pub default_locale: String,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            lenient: false,
            default_locale: "en".into(),
        }
    }
}

/// What kind of thing is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A file or directory that cannot be read, or is not UTF-8.
    Unreadable,
    /// A directory under the locales root that is not named by a language tag.
    NotALocale,
    /// Fluent syntax the parser refused.
    Syntax,
    /// An id that another file of the same locale already defines.
    Duplicate,
}

/// One thing wrong in the locale files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub file: PathBuf,
    /// 1-based; `None` when the whole file is at fault.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Why the catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the locales directory {}: {source}", .dir.display())]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", problem_list(.0))]
    Invalid(Vec<Problem>),
    #[error("{} has no '{default}' locale; it is the reference every other locale falls back to", .dir.display())]
    NoDefault { dir: PathBuf, default: String },
}

fn problem_list(problems: &[Problem]) -> String {
    let mut text = problems
        .iter()
        .take(20)
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    if problems.len() > 20 {
        text.push_str(&format!("\n… and {} more", problems.len() - 20));
    }
    text
}

/// The files of one locale, before parsing.
#[derive(Debug, Clone)]
pub struct LocaleSource {
    /// The served tag, as the directory names it (`hy`, `hy-AM`).
    pub tag: String,
    pub langid: LanguageIdentifier,
    /// (resource name, file): the name is the path below the locale root without `.ftl`.
    pub files: Vec<(String, PathBuf)>,
    /// Where the files are read from: the disk, or the locales built into the binary (whose
    /// paths are then relative to the repository's `locales/`).
    pub origin: Origin,
}

/// Where a locale's files come from.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Disk,
    Builtin(&'static include_dir::Dir<'static>),
}

impl Origin {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self {
            Origin::Disk => std::fs::read(path),
            Origin::Builtin(dir) => dir
                .get_file(path)
                .map(|f| f.contents().to_vec())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }
}

/// The locales shipped in the repository's `locales/`, built into the binary: an installed
/// `tetraglot` starts from any folder (`--locales-dir` serves others).
pub static BUILTIN_LOCALES: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The built-in locales, as [`scan_dir`] finds locales on disk.
pub fn builtin_sources(problems: &mut Vec<Problem>) -> Vec<LocaleSource> {
    let mut locales = Vec::new();
    for dir in BUILTIN_LOCALES.dirs() {
        let tag = dir.path().to_string_lossy().into_owned();
        let Some(langid) = parse_tag(&tag) else {
            problems.push(Problem {
                kind: ProblemKind::NotALocale,
                file: dir.path().to_path_buf(),
                line: None,
                message: format!("'{tag}' is not a language tag"),
            });
            continue;
        };
        let mut files = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            stack.extend(d.dirs());
            for file in d.files() {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "ftl") {
                    let name = path
                        .strip_prefix(dir.path())
                        .unwrap_or(path)
                        .with_extension("")
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.push((name, path.to_path_buf()));
                }
            }
        }
        files.sort();
        locales.push(LocaleSource {
            tag,
            langid,
            files,
            origin: Origin::Builtin(&BUILTIN_LOCALES),
        });
    }
    locales.sort_by(|a, b| a.tag.cmp(&b.tag));
    locales
}

impl LocaleSource {
    /// Every `*.ftl` below `roots` (recursively, sorted), as one locale named `tag`.
    ///
    /// Several roots serve trees that split a locale, like Firefox's `browser/localization/ru`
    /// and `localization/ru`.
    pub fn from_roots(
        tag: &str,
        roots: &[PathBuf],
        problems: &mut Vec<Problem>,
    ) -> Option<LocaleSource> {
        let langid = parse_tag(tag)?;
        let mut files = Vec::new();
        for root in roots {
            collect_ftl(root, root, &mut files, problems);
        }
        files.sort();
        Some(LocaleSource {
            tag: tag.to_string(),
            langid,
            files,
            origin: Origin::Disk,
        })
    }
}

fn collect_ftl(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, PathBuf)>,
    problems: &mut Vec<Problem>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(Problem {
                kind: ProblemKind::Unreadable,
                file: dir.to_path_buf(),
                line: None,
                message: format!("cannot read the directory: {error}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_ftl(root, &path, files, problems);
        } else if path.extension().is_some_and(|e| e == "ftl") {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((name, path));
        }
    }
}

/// The locales in `dir`: one subdirectory per locale, named by its tag.
pub fn scan_dir(dir: &Path, problems: &mut Vec<Problem>) -> Result<Vec<LocaleSource>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Dir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut locales = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Dir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        match LocaleSource::from_roots(&name, std::slice::from_ref(&path), problems) {
            Some(source) => locales.push(source),
            None => problems.push(Problem {
                kind: ProblemKind::NotALocale,
                file: path,
                line: None,
                message: format!(
                    "'{name}' is not a language tag; name each locale directory by its tag (en, hy, az-Latn)"
                ),
            }),
        }
    }
    locales.sort_by(|a, b| a.tag.cmp(&b.tag));
    Ok(locales)
}

/// One parsed file.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub name: String,
    pub path: PathBuf,
    pub resource: Arc<FluentResource>,
    /// Whether the parser gave up on part of it (only kept in lenient mode).
    pub partial: bool,
}

/// Reads and parses one file; parse errors become problems with their line.
///
/// Returns the resource even when part of it did not parse (the parser skips the broken
/// entries as junk): the caller decides whether to keep it.
pub fn parse_file(name: &str, path: &Path, problems: &mut Vec<Problem>) -> Option<ParsedFile> {
    parse_from(Origin::Disk, name, path, problems)
}

/// [`parse_file`], for a file of `origin`.
pub fn parse_from(
    origin: Origin,
    name: &str,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<ParsedFile> {
    let bytes = match origin.read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            problems.push(Problem {
                kind: ProblemKind::Unreadable,
                file: path.to_path_buf(),
                line: None,
                message: format!("cannot read the file: {error}"),
            });
            return None;
        }
    };
    parse_bytes(name, path, bytes, problems)
}

/// [`parse_file`], for a file's bytes already read.
fn parse_bytes(
    name: &str,
    path: &Path,
    bytes: Vec<u8>,
    problems: &mut Vec<Problem>,
) -> Option<ParsedFile> {
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            problems.push(Problem {
                kind: ProblemKind::Unreadable,
                file: path.to_path_buf(),
                line: Some(line_of(valid, valid.len())),
                message: "the file is not UTF-8; save it as UTF-8".into(),
            });
            return None;
        }
    };
    // fluent-syntax 0.12 (the newest) panics on a `\u` escape cut short by a multi-byte
    // character (found by the `ftl` fuzz target): that is a broken file, reported with the
    // escape's line, not a crash of the loader. Such an escape is looked for first (a panic
    // is not something to rely on: a fuzzer, or `panic = "abort"`, stops at it); the parse
    // is still guarded in case the parser has other ways to panic.
    let cut = |at: usize| Problem {
        kind: ProblemKind::Syntax,
        file: path.to_path_buf(),
        line: Some(line_of(source.as_bytes(), at)),
        message:
            "a \\u escape needs 4 hex digits (\\U needs 6); the Fluent parser cannot read the file"
                .into(),
    };
    if let Some(at) = cut_escape(&source) {
        problems.push(cut(at));
        return None;
    }
    let parsed = std::panic::catch_unwind(|| FluentResource::try_new(source.clone()));
    let Ok(parsed) = parsed else {
        problems.push(cut(0));
        return None;
    };
    let (resource, partial) = match parsed {
        Ok(resource) => (resource, false),
        Err((resource, errors)) => {
            for error in errors {
                // The line where the parser gave up, and the entry it was reading, which
                // can start lines earlier (a select missing its default is noticed at `}`).
                let source = resource.source();
                let line = line_of(source.as_bytes(), error.pos.start);
                let entry = error.slice.clone().unwrap_or(error.pos.clone());
                let entry_line = entry_start_line(source, entry.start);
                let context = match entry_line {
                    Some(start) if start != line => format!(" (in the entry at line {start}: "),
                    _ => " (in ".to_string(),
                };
                let snippet = snippet(source, entry);
                let message = if snippet.is_empty() {
                    error.kind.to_string()
                } else {
                    format!("{}{context}{snippet})", error.kind)
                };
                problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    file: path.to_path_buf(),
                    line: Some(line),
                    message,
                });
            }
            (resource, true)
        }
    };
    Some(ParsedFile {
        name: name.to_string(),
        path: path.to_path_buf(),
        resource: Arc::new(resource),
        partial,
    })
}

/// The loader on arbitrary bytes (the `ftl` fuzz target): each problem names a line of the
/// file, and every message and attribute of what parsed formats, through the project's
/// functions, without panicking.
pub fn fuzz(bytes: &[u8]) {
    let path = Path::new("fuzz.ftl");
    let lines = bytes.split(|&b| b == b'\n').count();
    let mut problems = Vec::new();
    let parsed = parse_bytes("fuzz.ftl", path, bytes.to_vec(), &mut problems);
    for problem in &problems {
        assert!(!problem.message.is_empty(), "{problem:?}");
        if let Some(line) = problem.line {
            assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {problem:?}"
            );
        }
    }
    let Some(parsed) = parsed else {
        return;
    };
    let langid: unic_langid::LanguageIdentifier = "hy".parse().expect("hy is a language");
    let mut bundle = super::Bundle::new_concurrent(vec![langid.clone()]);
    super::functions::install(&mut bundle, &langid).expect("a new bundle takes the functions");
    // Entries of the same id are reported by the checks, not here: the first is kept.
    let _ = bundle.add_resource(parsed.resource.clone());
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("count", 3);
    args.set("name", "Ալիև");
    for entry in parsed.resource.entries() {
        let fluent_syntax::ast::Entry::Message(message) = entry else {
            continue;
        };
        let Some(found) = bundle.get_message(message.id.name) else {
            continue;
        };
        let mut errors = Vec::new();
        if let Some(value) = found.value() {
            let _ = bundle.format_pattern(value, Some(&args), &mut errors);
        }
        for attribute in found.attributes() {
            let _ = bundle.format_pattern(attribute.value(), Some(&args), &mut errors);
        }
    }
    super::functions::take_function_errors();
}

/// Where a `\u` or `\U` escape is followed by a non-ASCII char before its digits end.
fn cut_escape(source: &str) -> Option<usize> {
    source.match_indices('\\').find_map(|(at, _)| {
        // Escapes exist only in string literals (`{ "…" }`), which end with their line: a
        // backslash after an even number of quotes on its line is text, and stays as it is.
        let line_start = source[..at].rfind('\n').map_or(0, |n| n + 1);
        let quotes = source[line_start..at].matches('"').count()
            - source[line_start..at].matches("\\\"").count();
        if quotes % 2 == 0 {
            return None;
        }
        let rest = &source.as_bytes()[at + 1..];
        let digits = match rest.first()? {
            b'u' => 4,
            b'U' => 6,
            _ => return None,
        };
        rest[1..]
            .iter()
            .take(digits)
            .any(|b| !b.is_ascii())
            .then_some(at)
    })
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The first line of a broken entry that is neither blank nor a comment.
fn first_entry_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The 1-based line where the entry in the junk slice starting at `start` begins.
fn entry_start_line(source: &str, start: usize) -> Option<usize> {
    let text = source.get(start.min(source.len())..)?;
    let (skipped, _) = first_entry_line(text)?;
    Some(line_of(source.as_bytes(), start) + skipped)
}

/// `"first line of the broken entry"`, short enough for a log line.
fn snippet(source: &str, range: std::ops::Range<usize>) -> String {
    let start = range.start.min(source.len());
    let Some((_, line)) = source.get(start..).and_then(first_entry_line) else {
        return String::new();
    };
    let line = line.trim();
    let short: String = line.chars().take(60).collect();
    let ellipsis = if short.len() < line.len() { "…" } else { "" };
    format!("\"{short}{ellipsis}\"")
}

/// The line where `id` (a message, or a term with its `-`) is defined in `source`.
pub fn line_of_entry(source: &str, id: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| {
            line.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_unicode_escape_is_a_broken_line_not_a_crash() {
        // fluent-syntax panics on this (found by the `ftl` fuzz target).
        let source = "a = ok\nb = { \"\\u0рр\" }\n";
        let mut problems = Vec::new();
        let parsed = parse_bytes(
            "x.ftl",
            Path::new("x.ftl"),
            source.as_bytes().to_vec(),
            &mut problems,
        );
        assert!(parsed.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::Syntax);
        assert_eq!(problems[0].line, Some(2));
    }

    /// The cut escape is found before the parser could panic on it: under the fuzzer a
    /// caught panic is still a crash (found again by the `ftl` target, `regressions/ftl/`),
    /// and a build with `panic = "abort"` would stop the server.
    #[test]
    fn a_cut_escape_is_found_without_a_panic_and_text_backslashes_stay() {
        let this = std::thread::current().id();
        let panicked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = panicked.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == this {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            let _ = info;
        }));
        let cut = "edition-not-found = here.\n = \u{422}\u{43e} { \"\\u00\u{440}\u{435} { $text = x } }\n";
        let mut problems = Vec::new();
        let parsed = parse_bytes(
            "x.ftl",
            Path::new("x.ftl"),
            cut.as_bytes().to_vec(),
            &mut problems,
        );
        // A backslash in text is no escape: `\u` before a non-ASCII char is text there.
        let text = "path = C:\\u\u{4e9}lk\u{259}\n";
        let mut text_problems = Vec::new();
        let kept = parse_bytes(
            "y.ftl",
            Path::new("y.ftl"),
            text.as_bytes().to_vec(),
            &mut text_problems,
        );
        std::panic::set_hook(previous);
        assert!(
            !panicked.load(std::sync::atomic::Ordering::SeqCst),
            "the parser panicked"
        );
        assert!(parsed.is_none());
        assert_eq!(problems[0].line, Some(2), "{problems:?}");
        assert!(
            kept.is_some() && text_problems.is_empty(),
            "{text_problems:?}"
        );
    }

    #[test]
    fn parse_errors_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.ftl");
        std::fs::write(
            &path,
            "ok = Fine\n\n# comment\nbroken = { $n ->\n  [one] x\n}\nafter = Still here\n",
        )
        .unwrap();
        let mut problems = Vec::new();
        let parsed = parse_file("broken", &path, &mut problems).unwrap();
        assert!(parsed.partial);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let shown = problems[0].to_string();
        assert_eq!(problems[0].line, Some(6), "{shown}");
        assert!(shown.contains("broken.ftl:6: "), "{shown}");
        assert!(shown.contains("default variant"), "{shown}");
        assert!(
            shown.contains("in the entry at line 4: \"broken = { $n ->\""),
            "{shown}"
        );
        let ids: Vec<_> = parsed
            .resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["ok", "after"]);
    }

    #[test]
    fn not_utf8_is_a_problem_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.ftl");
        std::fs::write(&path, b"a = ok\nb = caf\xe9\n").unwrap();
        let mut problems = Vec::new();
        assert!(parse_file("latin1", &path, &mut problems).is_none());
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn entries_are_found_by_id() {
        let src = "# c\nfoo = 1\n-brand = B\nfoo-bar = 2\n";
        assert_eq!(line_of_entry(src, "foo"), Some(2));
        assert_eq!(line_of_entry(src, "-brand"), Some(3));
        assert_eq!(line_of_entry(src, "foo-bar"), Some(4));
    }
}
