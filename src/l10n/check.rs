//! Checks each locale against the reference (en): every message present, no variable the
//! reference lacks, no plural category the language does not have.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use fluent_syntax::ast;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

use super::Resource;

/// What is wrong with one message of one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// The reference has the message (or attribute) and this locale does not.
    Missing,
    /// The message uses a variable the reference's message does not pass.
    UnknownVariable(String),
    /// A select has a plural variant the language never selects (e.g. `[few]` in hy).
    PluralCategory(String),
    /// The locale has a message the reference does not.
    NotInReference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub locale: String,
    /// `message` or `message.attribute`.
    pub message: String,
    /// The resource the message is in (the reference's, for a missing one).
    pub resource: String,
    pub kind: IssueKind,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Issue {
            locale,
            message,
            resource,
            ..
        } = self;
        match &self.kind {
            IssueKind::Missing => write!(f, "{locale}: {message} (from {resource}.ftl) is missing"),
            IssueKind::UnknownVariable(v) => write!(
                f,
                "{locale}/{resource}.ftl: {message} uses ${v}, which the reference message does not have"
            ),
            IssueKind::PluralCategory(c) => write!(
                f,
                "{locale}/{resource}.ftl: {message} has a [{c}] variant, a plural category {locale} does not have"
            ),
            IssueKind::NotInReference => write!(
                f,
                "{locale}/{resource}.ftl: {message} is not in the reference locale"
            ),
        }
    }
}

/// The messages of one locale by id, as the bundle sees them (the first definition wins).
pub struct Index<'a> {
    messages: HashMap<&'a str, (&'a ast::Message<&'a str>, &'a str)>,
    order: Vec<&'a str>,
}

impl<'a> Index<'a> {
    pub fn new(resources: &'a [Resource]) -> Index<'a> {
        let mut messages = HashMap::new();
        let mut order = Vec::new();
        for resource in resources {
            for entry in resource.fluent.entries() {
                if let ast::Entry::Message(message) = entry {
                    if !messages.contains_key(message.id.name) {
                        messages.insert(message.id.name, (message, resource.name.as_str()));
                        order.push(message.id.name);
                    }
                }
            }
        }
        Index { messages, order }
    }

    pub fn ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.order.iter().copied()
    }

    pub fn get(&self, id: &str) -> Option<&'a ast::Message<&'a str>> {
        self.messages.get(id).map(|(m, _)| *m)
    }

    pub fn resource_of(&self, id: &str) -> &'a str {
        self.messages.get(id).map_or("", |(_, r)| r)
    }

    /// The variables a message (with its attributes and the messages it references) reads.
    pub fn variables(&self, id: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.collect_message(id, &mut found, &mut seen);
        found
    }

    fn collect_message(&self, id: &str, found: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
        if !seen.insert(id.to_string()) {
            return;
        }
        let Some(message) = self.get(id) else {
            return;
        };
        if let Some(value) = &message.value {
            self.collect_pattern(value, found, seen);
        }
        for attribute in &message.attributes {
            self.collect_pattern(&attribute.value, found, seen);
        }
    }

    fn collect_pattern(
        &self,
        pattern: &ast::Pattern<&str>,
        found: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                self.collect_expression(expression, found, seen);
            }
        }
    }

    fn collect_expression(
        &self,
        expression: &ast::Expression<&str>,
        found: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) {
        match expression {
            ast::Expression::Inline(inline) => self.collect_inline(inline, found, seen),
            ast::Expression::Select { selector, variants } => {
                self.collect_inline(selector, found, seen);
                for variant in variants {
                    self.collect_pattern(&variant.value, found, seen);
                }
            }
        }
    }

    fn collect_inline(
        &self,
        inline: &ast::InlineExpression<&str>,
        found: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                found.insert(id.name.to_string());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for argument in &arguments.positional {
                    self.collect_inline(argument, found, seen);
                }
                for named in &arguments.named {
                    self.collect_inline(&named.value, found, seen);
                }
            }
            // A referenced message is formatted with the caller's variables.
            ast::InlineExpression::MessageReference { id, .. } => {
                self.collect_message(id.name, found, seen);
            }
            // Variables inside a term are its own parameters; only what is passed in counts.
            ast::InlineExpression::TermReference {
                arguments: Some(arguments),
                ..
            } => {
                for argument in &arguments.positional {
                    self.collect_inline(argument, found, seen);
                }
                for named in &arguments.named {
                    self.collect_inline(&named.value, found, seen);
                }
            }
            ast::InlineExpression::Placeable { expression } => {
                self.collect_expression(expression, found, seen);
            }
            _ => {}
        }
    }
}

const CATEGORY_NAMES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// The plural categories a language uses, found by asking its CLDR rules about integers and
/// decimals (intl_pluralrules has no list of them). `None` for a language without rules.
pub fn plural_categories(
    langid: &LanguageIdentifier,
    ordinal: bool,
) -> Option<BTreeSet<&'static str>> {
    let kind = if ordinal {
        PluralRuleType::ORDINAL
    } else {
        PluralRuleType::CARDINAL
    };
    let rules = PluralRules::create(langid.clone(), kind).ok()?;
    let mut found = BTreeSet::new();
    let integers = (0..=1000_u64).chain([10_000, 100_000, 1_000_000, 10_000_000]);
    for n in integers {
        if let Ok(category) = rules.select(n) {
            found.insert(category_name(category));
        }
    }
    for whole in 0..=12 {
        for fraction in ["0", "1", "2", "5", "25", "05", "50"] {
            if let Ok(category) = rules.select(format!("{whole}.{fraction}").as_str()) {
                found.insert(category_name(category));
            }
        }
    }
    Some(found)
}

/// Plural variant keys of every select on a number in `message`: (category, ordinal?).
fn plural_keys(message: &ast::Message<&str>) -> Vec<(String, bool)> {
    let mut keys = Vec::new();
    let patterns = message
        .value
        .iter()
        .chain(message.attributes.iter().map(|a| &a.value));
    for pattern in patterns {
        plural_keys_in(pattern, &mut keys);
    }
    keys
}

fn plural_keys_in(pattern: &ast::Pattern<&str>, keys: &mut Vec<(String, bool)>) {
    for element in &pattern.elements {
        let ast::PatternElement::Placeable { expression } = element else {
            continue;
        };
        plural_keys_expr(expression, keys);
    }
}

fn plural_keys_expr(expression: &ast::Expression<&str>, keys: &mut Vec<(String, bool)>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            let ordinal = match selector {
                ast::InlineExpression::VariableReference { .. } => Some(false),
                ast::InlineExpression::FunctionReference { id, arguments } if id.name == "NUMBER" => {
                    Some(arguments.named.iter().any(|a| {
                        a.name.name == "type"
                            && matches!(a.value, ast::InlineExpression::StringLiteral { value } if value == "ordinal")
                    }))
                }
                // Term attributes, strings and other functions select on words, not numbers.
                _ => None,
            };
            for variant in variants {
                if let (Some(ordinal), ast::VariantKey::Identifier { name }) =
                    (ordinal, &variant.key)
                {
                    if CATEGORY_NAMES.contains(name) {
                        keys.push((name.to_string(), ordinal));
                    }
                }
                plural_keys_in(&variant.value, keys);
            }
        }
        ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
            plural_keys_expr(expression, keys);
        }
        ast::Expression::Inline(_) => {}
    }
}

/// Every issue of `locale` measured against `reference` (pass the same index twice to check
/// only the reference's own plural categories).
pub fn check_locale(
    reference: &Index,
    locale: &Index,
    tag: &str,
    langid: &LanguageIdentifier,
    is_reference: bool,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let issue = |message: &str, resource: &str, kind| Issue {
        locale: tag.to_string(),
        message: message.to_string(),
        resource: resource.to_string(),
        kind,
    };
    if !is_reference {
        for id in reference.ids() {
            let Some(theirs) = reference.get(id) else {
                continue;
            };
            match locale.get(id) {
                None => issues.push(issue(id, reference.resource_of(id), IssueKind::Missing)),
                Some(ours) => {
                    if theirs.value.is_some() && ours.value.is_none() {
                        issues.push(issue(id, reference.resource_of(id), IssueKind::Missing));
                    }
                    for attribute in &theirs.attributes {
                        if !ours
                            .attributes
                            .iter()
                            .any(|a| a.id.name == attribute.id.name)
                        {
                            let name = format!("{id}.{}", attribute.id.name);
                            issues.push(issue(
                                &name,
                                reference.resource_of(id),
                                IssueKind::Missing,
                            ));
                        }
                    }
                    let allowed = reference.variables(id);
                    for variable in locale.variables(id) {
                        if !allowed.contains(&variable) {
                            issues.push(issue(
                                id,
                                locale.resource_of(id),
                                IssueKind::UnknownVariable(variable),
                            ));
                        }
                    }
                }
            }
        }
        for id in locale.ids() {
            if reference.get(id).is_none() {
                issues.push(issue(id, locale.resource_of(id), IssueKind::NotInReference));
            }
        }
    }
    let cardinal = plural_categories(langid, false);
    let ordinal = plural_categories(langid, true);
    for id in locale.ids() {
        let Some(message) = locale.get(id) else {
            continue;
        };
        for (category, is_ordinal) in plural_keys(message) {
            let known = if is_ordinal { &ordinal } else { &cardinal };
            if let Some(known) = known {
                if !known.contains(category.as_str()) {
                    issues.push(issue(
                        id,
                        locale.resource_of(id),
                        IssueKind::PluralCategory(category),
                    ));
                }
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(tag: &str) -> Vec<&'static str> {
        plural_categories(&tag.parse().unwrap(), false)
            .unwrap()
            .into_iter()
            .collect()
    }

    #[test]
    fn categories_per_language() {
        assert_eq!(cats("ru"), ["few", "many", "one", "other"]);
        assert_eq!(cats("hy"), ["one", "other"]);
        assert_eq!(cats("az"), ["one", "other"]);
        assert_eq!(cats("en"), ["one", "other"]);
    }
}
