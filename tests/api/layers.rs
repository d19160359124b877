//! The layering rule of ARCHITECTURE.md, checked on the source: each module names only the
//! modules below it (`crate::X` paths), and nothing below `http` knows actix.

use std::collections::BTreeMap;
use std::path::Path;

/// Which crate modules each module may use. A module absent here may use anything (the
/// binary's `startup`, `config`).
const ALLOWED: &[(&str, &[&str])] = &[
    ("fault", &[]),
    ("durable", &[]),
    ("auth", &["model", "durable"]),
    ("model", &[]),
    ("text", &["model"]),
    ("formats", &["model"]),
    ("index", &["fault"]),
    ("memory", &["model", "text", "index", "fault"]),
    ("l10n", &["model"]),
    ("align", &["model", "text"]),
    (
        "engine",
        &[
            "model", "text", "formats", "memory", "index", "fault", "align",
        ],
    ),
    (
        "editorial",
        &["model", "text", "formats", "memory", "align"],
    ),
    (
        "tasks",
        &[
            "model",
            "formats",
            "memory",
            "engine",
            "fault",
            "durable",
            "editorial",
        ],
    ),
    (
        "http",
        &[
            "model",
            "text",
            "formats",
            "memory",
            "index",
            "engine",
            "l10n",
            "fault",
            "config",
            "align",
            "editorial",
            "auth",
            "tasks",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate modules a source file names through `crate::`.
fn named_modules(source: &str) -> Vec<String> {
    source
        .match_indices("crate::")
        .map(|(at, _)| {
            source[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let Some(may_use) = allowed.get(module.as_str()) else {
            continue;
        };
        checked += 1;
        let source = std::fs::read_to_string(file).unwrap();
        for used in named_modules(&source) {
            if used != module && !may_use.contains(&used.as_str()) {
                violations.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
        if module != "http" && source.contains("actix") {
            violations.push(format!("{} names actix below http", relative.display()));
        }
    }
    assert!(
        checked > 30,
        "only {checked} files checked: has src/ moved?"
    );
    assert!(violations.is_empty(), "{violations:#?}");
}
