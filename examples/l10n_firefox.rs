//! Loads real-world Fluent — Firefox language packs — with the service's own loader and
//! reports how many resources and messages parse.
//!
//! ```sh
//! apt-get download firefox-esr-l10n-hy-am firefox-esr-l10n-az firefox-esr-l10n-ru
//! for f in *.deb; do dpkg-deb -x "$f" deb; done
//! for x in deb/usr/lib/firefox-esr/browser/extensions/*.xpi; do
//!   unzip -q -o "$x" -d "xpi/$(basename "$x" .xpi)"; done
//! cargo run --release --example l10n_firefox -- xpi
//! ```
//!
//! Every directory named `localization` below the given roots holds one directory per locale
//! (`browser/localization/ru`, `localization/ru`); all of a locale's trees form one bundle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tetraglot::l10n::{Catalog, LoadOptions, LocaleSource, ProblemKind};

fn find_localization_dirs(dir: &Path, found: &mut BTreeMap<String, Vec<PathBuf>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if entry.file_name() == "localization" {
            for locale in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                if locale.path().is_dir() {
                    let tag = locale.file_name().to_string_lossy().into_owned();
                    found.entry(tag).or_default().push(locale.path());
                }
            }
        } else {
            find_localization_dirs(&path, found);
        }
    }
}

fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: l10n_firefox DIR… (unpacked Firefox language packs)");
        std::process::exit(2);
    }
    let mut trees = BTreeMap::new();
    for root in &roots {
        find_localization_dirs(root, &mut trees);
    }
    if trees.is_empty() {
        eprintln!("no localization/<locale>/ directories below {roots:?}");
        std::process::exit(1);
    }
    let mut problems = Vec::new();
    let sources: Vec<LocaleSource> = trees
        .iter()
        .filter_map(|(tag, dirs)| LocaleSource::from_roots(tag, dirs, &mut problems))
        .collect();
    let files: usize = sources.iter().map(|s| s.files.len()).sum();
    let started = Instant::now();
    let strict = LoadOptions {
        lenient: false,
        default_locale: sources[0].tag.clone(),
    };
    let catalog = match Catalog::from_sources(sources.clone(), &strict, problems.clone()) {
        Ok(catalog) => {
            println!("strict load: OK, no problems");
            catalog
        }
        Err(error) => {
            println!("strict load refused:\n{error}\n\nloading leniently instead\n");
            let lenient = LoadOptions {
                lenient: true,
                ..strict
            };
            Catalog::from_sources(sources, &lenient, problems).expect("lenient loading")
        }
    };
    let elapsed = started.elapsed();
    let mut total_resources = 0;
    let mut total_messages = 0;
    for locale in catalog.locales() {
        let resources = locale.resources().len();
        let entries: usize = locale.resources().iter().map(|r| r.message_count()).sum();
        let messages = locale.message_count();
        total_resources += resources;
        total_messages += messages;
        println!(
            "{:6} {resources:4} resources, {messages:6} messages ({entries} definitions)",
            locale.tag()
        );
    }
    let count = |kind| catalog.problems().iter().filter(|p| p.kind == kind).count();
    println!(
        "total: {total_resources} of {files} files parsed into {total_messages} messages in {:.0} ms",
        elapsed.as_secs_f64() * 1000.0
    );
    println!(
        "problems: {} syntax, {} unreadable, {} ids defined in two files of one locale",
        count(ProblemKind::Syntax),
        count(ProblemKind::Unreadable),
        count(ProblemKind::Duplicate)
    );
    // messages.json formats every message and attribute of a locale without arguments:
    // nothing may panic; those needing variables or Firefox-only functions are listed apart.
    let started = Instant::now();
    let (mut resolved, mut unresolved) = (0, 0);
    for locale in catalog.locales() {
        let doc: serde_json::Value =
            serde_json::from_str(&catalog.messages_json(locale.tag()).unwrap().body).unwrap();
        // Only the locale's own messages: the others are fallbacks to the default pack.
        let own = |section: &str| {
            doc[section].as_object().map_or(0, |m| {
                m.keys()
                    .filter(|k| doc["fallback"].get(k.as_str()).is_none())
                    .count()
            })
        };
        resolved += own("messages");
        unresolved += own("unresolved");
    }
    println!(
        "messages.json: {resolved} values and attributes resolved, {unresolved} need variables or functions ({:.0} ms)",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
