//! Localised UI strings through Project Fluent (`locales/{en,hy,az,ru}/*.ftl`): one concurrent
//! bundle per locale, built once at start, formatted along a fallback chain that ends in en.
//!
//! Submodules: [`load`] reads and parses the files, [`negotiate`] picks locales for a
//! request, [`functions`] gives Fluent CLDR numbers and dates through ICU4X, [`check`]
//! compares every locale with the reference. Nothing here knows about HTTP.

pub mod check;
pub mod functions;
pub mod load;
pub mod negotiate;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde::Serialize;
use unic_langid::LanguageIdentifier;

pub use check::{Issue, IssueKind};
pub use functions::Bundle;
pub use load::{LoadError, LoadOptions, LocaleSource, Origin, Problem, ProblemKind};
pub use negotiate::{Matcher, Negotiated};

/// One `.ftl` file of a locale, parsed, with the raw text clients may fetch.
pub struct Resource {
    /// The path below the locale directory without `.ftl` (`editions`, `browser/tabs`).
    pub name: String,
    pub path: PathBuf,
    pub fluent: Arc<FluentResource>,
    /// A strong HTTP validator of the text.
    pub etag: String,
}

impl Resource {
    pub fn source(&self) -> &str {
        self.fluent.source()
    }

    /// The messages (not terms) in the file.
    pub fn message_count(&self) -> usize {
        self.fluent
            .entries()
            .filter(|e| matches!(e, ast::Entry::Message(_)))
            .count()
    }
}

/// One served locale.
pub struct LocaleData {
    tag: String,
    langid: LanguageIdentifier,
    bundle: Bundle,
    resources: Vec<Resource>,
    /// `messages.json`, built on first request.
    messages_doc: OnceLock<Document>,
}

impl LocaleData {
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn langid(&self) -> &LanguageIdentifier {
        &self.langid
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == name)
    }

    pub fn has_message(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Messages the bundle holds (a duplicate id counts once).
    pub fn message_count(&self) -> usize {
        check::Index::new(&self.resources).ids().count()
    }
}

/// A serialised JSON document with its validator.
#[derive(Debug, Clone)]
pub struct Document {
    pub body: String,
    pub etag: String,
}

/// Every locale, ready to format.
pub struct Catalog {
    locales: Vec<LocaleData>,
    by_tag: HashMap<String, usize>,
    matcher: Matcher,
    default: String,
    problems: Vec<Problem>,
}

/// One formatted message, with where it came from and what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Formatted {
    pub id: String,
    /// `None` when no locale in the chain has the message.
    pub value: Option<String>,
    /// The locale the text is in.
    pub locale: Option<String>,
    /// Formatting errors (a missing variable, a date that does not parse); the value is
    /// still usable, with the faulty placeable written as `{$name}`.
    pub errors: Vec<String>,
    /// Locales earlier in the chain that lack the message: the value is a fallback.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_in: Vec<String>,
}

/// How complete a locale is against the reference.
#[derive(Debug, Clone, Serialize)]
pub struct Completeness {
    /// Messages in the locale.
    pub messages: usize,
    /// Messages of the reference that the locale has.
    pub translated: usize,
    /// Messages in the reference.
    pub reference: usize,
    /// `translated / reference`, in percent, to one decimal.
    pub percent: f64,
    pub missing: Vec<String>,
}

impl Catalog {
    /// Loads `dir/<tag>/**/*.ftl`; with `lenient`, keeps what parses and lists the rest in
    /// [`Catalog::problems`].
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Catalog, LoadError> {
        let mut problems = Vec::new();
        let sources = load::scan_dir(dir, &mut problems)?;
        if !sources.iter().any(|s| s.tag == options.default_locale) {
            return Err(LoadError::NoDefault {
                dir: dir.to_path_buf(),
                default: options.default_locale.clone(),
            });
        }
        Catalog::from_sources(sources, options, problems)
    }

    /// The locales built into the binary (the repository's `locales/`).
    pub fn builtin(options: &LoadOptions) -> Result<Catalog, LoadError> {
        let mut problems = Vec::new();
        let sources = load::builtin_sources(&mut problems);
        Catalog::from_sources(sources, options, problems)
    }

    /// Builds the catalog from locales found elsewhere (tests, other file layouts).
    pub fn from_sources(
        sources: Vec<LocaleSource>,
        options: &LoadOptions,
        mut problems: Vec<Problem>,
    ) -> Result<Catalog, LoadError> {
        let mut locales = Vec::new();
        for source in sources {
            locales.push(build_locale(source, &mut problems));
        }
        if !options.lenient && !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        let served: Vec<(String, LanguageIdentifier)> = locales
            .iter()
            .map(|l| (l.tag.clone(), l.langid.clone()))
            .collect();
        let default = if served.iter().any(|(t, _)| *t == options.default_locale) {
            options.default_locale.clone()
        } else {
            served
                .first()
                .map_or_else(|| options.default_locale.clone(), |(t, _)| t.clone())
        };
        let matcher = Matcher::new(&served, &default);
        let by_tag = locales
            .iter()
            .enumerate()
            .map(|(i, l)| (l.tag.clone(), i))
            .collect();
        Ok(Catalog {
            locales,
            by_tag,
            matcher,
            default,
            problems,
        })
    }

    /// What lenient loading skipped (always empty after a strict load).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn default_locale(&self) -> &str {
        &self.default
    }

    pub fn locales(&self) -> impl Iterator<Item = &LocaleData> {
        self.locales.iter()
    }

    pub fn locale(&self, tag: &str) -> Option<&LocaleData> {
        self.by_tag.get(tag).map(|&i| &self.locales[i])
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Negotiates an Accept-Language value (or a `?locale=` list).
    pub fn negotiate(&self, accept_language: &str) -> Negotiated {
        self.matcher.negotiate_header(accept_language)
    }

    /// The chain for one locale: itself, then the default.
    pub fn chain_for(&self, tag: &str) -> Vec<String> {
        let mut chain = vec![tag.to_string()];
        if tag != self.default {
            chain.push(self.default.clone());
        }
        chain
    }

    /// Formats `id` (or `id.attribute`) in the first locale of `chain` that has it.
    pub fn format(&self, chain: &[String], id: &str, args: Option<&FluentArgs>) -> Formatted {
        let (message_id, attribute) = match id.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (id, None),
        };
        let mut missing_in = Vec::new();
        for tag in chain {
            let Some(locale) = self.locale(tag) else {
                continue;
            };
            let pattern =
                locale
                    .bundle
                    .get_message(message_id)
                    .and_then(|message| match attribute {
                        None => message.value(),
                        Some(a) => message.get_attribute(a).map(|a| a.value()),
                    });
            let Some(pattern) = pattern else {
                missing_in.push(tag.clone());
                continue;
            };
            // Clears what an earlier call on this thread may have left behind.
            functions::take_function_errors();
            let mut errors = Vec::new();
            let value = locale
                .bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned();
            let mut errors: Vec<String> = errors.iter().map(describe_error).collect();
            errors.extend(functions::take_function_errors());
            return Formatted {
                id: id.to_string(),
                value: Some(value),
                locale: Some(tag.clone()),
                errors,
                missing_in,
            };
        }
        Formatted {
            id: id.to_string(),
            value: None,
            locale: None,
            errors: vec![format!("no locale has the message '{id}'")],
            missing_in,
        }
    }

    /// How much of the reference `tag` translates.
    pub fn completeness(&self, tag: &str) -> Option<Completeness> {
        let locale = self.locale(tag)?;
        let reference = check::Index::new(&self.locale(&self.default)?.resources);
        let ours = check::Index::new(&locale.resources);
        let total = reference.ids().count();
        let missing: Vec<String> = reference
            .ids()
            .filter(|id| ours.get(id).is_none())
            .map(str::to_string)
            .collect();
        let translated = total - missing.len();
        let percent = if total == 0 {
            100.0
        } else {
            (translated as f64 * 1000.0 / total as f64).round() / 10.0
        };
        Some(Completeness {
            messages: ours.ids().count(),
            translated,
            reference: total,
            percent,
            missing,
        })
    }

    /// Every issue of every locale against the reference.
    pub fn check(&self) -> Vec<Issue> {
        let Some(reference) = self.locale(&self.default) else {
            return Vec::new();
        };
        let reference_index = check::Index::new(&reference.resources);
        let mut issues = Vec::new();
        for locale in &self.locales {
            let is_reference = locale.tag == self.default;
            let index = check::Index::new(&locale.resources);
            issues.extend(check::check_locale(
                &reference_index,
                &index,
                &locale.tag,
                &locale.langid,
                is_reference,
            ));
        }
        issues
    }

    /// Every message of `tag` (with fallbacks to the default), resolved where it needs no
    /// variables, as JSON for clients that cannot run Fluent.
    pub fn messages_json(&self, tag: &str) -> Option<&Document> {
        let locale = self.locale(tag)?;
        Some(
            locale
                .messages_doc
                .get_or_init(|| self.build_messages_doc(tag)),
        )
    }

    fn build_messages_doc(&self, tag: &str) -> Document {
        #[derive(Serialize)]
        struct Unresolved {
            locale: String,
            variables: Vec<String>,
            source: String,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            locale: &'a str,
            /// id (or id.attribute) → text.
            messages: BTreeMap<String, String>,
            /// Messages whose text came from another locale: id → that locale.
            fallback: BTreeMap<String, String>,
            /// Messages that need variables: their Fluent source.
            unresolved: BTreeMap<String, Unresolved>,
        }
        let chain = self.chain_for(tag);
        let indexes: Vec<(String, check::Index)> = chain
            .iter()
            .filter_map(|t| {
                self.locale(t)
                    .map(|l| (t.clone(), check::Index::new(&l.resources)))
            })
            .collect();
        let mut doc = Doc {
            locale: tag,
            messages: BTreeMap::new(),
            fallback: BTreeMap::new(),
            unresolved: BTreeMap::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for (_, index) in &indexes {
            for id in index.ids() {
                if !seen.insert(id) {
                    continue;
                }
                let message = index.get(id).expect("indexed");
                let mut keys: Vec<String> = Vec::new();
                if message.value.is_some() {
                    keys.push(id.to_string());
                }
                keys.extend(
                    message
                        .attributes
                        .iter()
                        .map(|a| format!("{id}.{}", a.id.name)),
                );
                for key in keys {
                    let formatted = self.format(&chain, &key, None);
                    let (Some(value), Some(from)) = (formatted.value, formatted.locale) else {
                        continue;
                    };
                    if formatted.errors.is_empty() {
                        doc.messages.insert(key.clone(), value);
                    } else {
                        let (source_index, source_message) = indexes
                            .iter()
                            .find(|(t, _)| *t == from)
                            .and_then(|(_, idx)| idx.get(id).map(|m| (idx, m)))
                            .unwrap_or((index, message));
                        doc.unresolved.insert(
                            key.clone(),
                            Unresolved {
                                locale: from.clone(),
                                variables: source_index.variables(id).into_iter().collect(),
                                source: message_source(source_message),
                            },
                        );
                    }
                    if from != tag {
                        doc.fallback.insert(key, from);
                    }
                }
            }
        }
        let body = serde_json::to_string(&doc).expect("strings and maps serialise");
        Document {
            etag: etag_of(body.as_bytes()),
            body,
        }
    }
}

fn build_locale(source: LocaleSource, problems: &mut Vec<Problem>) -> LocaleData {
    let mut bundle = Bundle::new_concurrent(vec![source.langid.clone()]);
    // All four languages are written left to right; Unicode isolation marks around every
    // placeable would only surprise JSON clients and tests.
    bundle.set_use_isolating(false);
    functions::install(&mut bundle, &source.langid)
        .expect("a new bundle has no functions to clash with");
    let mut resources: Vec<Resource> = Vec::new();
    // Which resource defined each id first, to name it when another one repeats it.
    let mut defined: HashMap<String, String> = HashMap::new();
    for (name, path) in &source.files {
        let Some(parsed) = load::parse_from(source.origin, name, path, problems) else {
            continue;
        };
        if let Err(errors) = bundle.add_resource(parsed.resource.clone()) {
            for error in errors {
                let FluentError::Overriding { kind, id } = error else {
                    continue;
                };
                // fluent-bundle does not export `EntryKind`; its name is public.
                let key = if kind.to_string() == "term" {
                    format!("-{id}")
                } else {
                    id.clone()
                };
                let first = defined.get(&key).cloned().unwrap_or_default();
                problems.push(Problem {
                    kind: load::ProblemKind::Duplicate,
                    file: path.clone(),
                    line: load::line_of_entry(parsed.resource.source(), &key),
                    message: format!(
                        "{kind} '{key}' is already defined in {first}.ftl; ids are shared by all files of a locale, rename one (the first is used)"
                    ),
                });
            }
        }
        for entry in parsed.resource.entries() {
            let key = match entry {
                ast::Entry::Message(m) => m.id.name.to_string(),
                ast::Entry::Term(t) => format!("-{}", t.id.name),
                _ => continue,
            };
            defined.entry(key).or_insert_with(|| name.clone());
        }
        resources.push(Resource {
            etag: etag_of(parsed.resource.source().as_bytes()),
            name: parsed.name,
            path: parsed.path,
            fluent: parsed.resource,
        });
    }
    LocaleData {
        tag: source.tag,
        langid: source.langid,
        bundle,
        resources,
        messages_doc: OnceLock::new(),
    }
}

fn describe_error(error: &FluentError) -> String {
    match error {
        FluentError::ResolverError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// A strong ETag for `bytes`.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The Fluent source of one message, as a client-side Fluent would read it.
fn message_source(message: &ast::Message<&str>) -> String {
    let resource = ast::Resource {
        body: vec![ast::Entry::Message(message.clone())],
    };
    fluent_syntax::serializer::serialize(&resource)
        .trim_end()
        .to_string()
}

/// Fluent arguments from a JSON object: numbers stay numbers (for plurals and NUMBER),
/// strings stay strings, booleans become `"true"`/`"false"`; `null` is left out.
pub fn args_from_json(
    object: &serde_json::Map<String, serde_json::Value>,
) -> (FluentArgs<'static>, Vec<String>) {
    let mut args = FluentArgs::with_capacity(object.len());
    let mut errors = Vec::new();
    for (name, value) in object {
        match value {
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(f) => args.set(name.clone(), FluentValue::from(f)),
                None => errors.push(format!("argument '{name}' is not a number Fluent can use")),
            },
            serde_json::Value::String(s) => args.set(name.clone(), FluentValue::from(s.clone())),
            serde_json::Value::Bool(b) => args.set(name.clone(), FluentValue::from(b.to_string())),
            serde_json::Value::Null => {}
            _ => errors.push(format!(
                "argument '{name}' must be a string or a number, not an array or object"
            )),
        }
    }
    (args, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(files: &[(&str, &str, &str)]) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        for (tag, name, text) in files {
            std::fs::create_dir_all(dir.path().join(tag)).unwrap();
            std::fs::write(dir.path().join(tag).join(format!("{name}.ftl")), text).unwrap();
        }
        Catalog::load(dir.path(), &LoadOptions::default()).unwrap()
    }

    #[test]
    fn falls_back_along_the_chain_and_says_so() {
        let c = catalog(&[
            ("en", "ui", "hello = Hello\nbye = Bye\n"),
            ("hy", "ui", "hello = Բարև\n"),
        ]);
        let chain = c.negotiate("hy").chain;
        let hello = c.format(&chain, "hello", None);
        assert_eq!(hello.value.as_deref(), Some("Բարև"));
        assert!(hello.missing_in.is_empty());
        let bye = c.format(&chain, "bye", None);
        assert_eq!(bye.value.as_deref(), Some("Bye"));
        assert_eq!(bye.locale.as_deref(), Some("en"));
        assert_eq!(bye.missing_in, ["hy"]);
        let none = c.format(&chain, "nope", None);
        assert_eq!(none.value, None);
        assert_eq!(none.missing_in, ["hy", "en"]);
    }

    #[test]
    fn attributes_and_missing_variables() {
        let c = catalog(&[(
            "en",
            "ui",
            "share = Share\n    .title = Share this article\ncount = { $n } items\n",
        )]);
        let chain = c.chain_for("en");
        assert_eq!(
            c.format(&chain, "share.title", None).value.as_deref(),
            Some("Share this article")
        );
        let f = c.format(&chain, "count", None);
        assert_eq!(f.value.as_deref(), Some("{$n} items"));
        assert_eq!(f.errors, ["Unknown variable: $n"]);
    }

    #[test]
    fn duplicates_across_files_are_refused_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("en")).unwrap();
        std::fs::write(dir.path().join("en/a.ftl"), "one = 1\n").unwrap();
        std::fs::write(dir.path().join("en/b.ftl"), "two = 2\n\none = again\n").unwrap();
        let error = Catalog::load(dir.path(), &LoadOptions::default())
            .err()
            .expect("refused")
            .to_string();
        assert!(
            error.contains("b.ftl:3: message 'one' is already defined in a.ftl"),
            "{error}"
        );
    }

    #[test]
    fn messages_json_resolves_what_it_can() {
        let c = catalog(&[
            ("en", "ui", "a = A\nb = { $n } B\nc = C\n"),
            ("ru", "ui", "a = А\nb = { $n } Б\n"),
        ]);
        let doc: serde_json::Value =
            serde_json::from_str(&c.messages_json("ru").unwrap().body).unwrap();
        assert_eq!(doc["messages"]["a"], "А");
        assert_eq!(doc["messages"]["c"], "C");
        assert_eq!(doc["fallback"]["c"], "en");
        assert_eq!(doc["unresolved"]["b"]["variables"][0], "n");
        assert_eq!(doc["unresolved"]["b"]["source"], "b = { $n } Б");
    }
}
