//! Which articles a write may touch (an editor's key bound to outlets), checked inside the
//! write's retry loop, against the record its commit is conditional on.

use super::EditorialError;

/// Which articles a write may touch: any, or only those of some outlets (an editor's key
/// bound to them). Checked against the record the write's commit is conditional on, so an
/// article that changes outlet meanwhile makes the write read it again and check again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Any,
    Outlets(Vec<String>),
}

impl Scope {
    pub(super) fn check(&self, outlet: Option<&str>) -> Result<(), EditorialError> {
        match self {
            Scope::Any => Ok(()),
            Scope::Outlets(outlets) if outlet.is_some_and(|o| outlets.iter().any(|x| x == o)) => {
                Ok(())
            }
            Scope::Outlets(_) => Err(EditorialError::OutOfScope(outlet.map(str::to_string))),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::*;
    use std::cell::RefCell;

    thread_local! {
        /// Run once on this thread between a write's read of a record and its commit: the
        /// moment another writer can come between.
        static BETWEEN: RefCell<Option<Box<dyn FnOnce()>>> = RefCell::new(None);
    }

    pub(in crate::editorial) fn between_read_and_commit() {
        if let Some(hook) = BETWEEN.with(|b| b.borrow_mut().take()) {
            hook();
        }
    }

    fn article(outlet: &str, title: &str) -> ArticleInput {
        ArticleInput {
            id: "2026-12-06.port".into(),
            outlet: Some(outlet.into()),
            section: None,
            authors: Vec::new(),
            published: None,
            updated: None,
            source: "en".into(),
            tags: Vec::new(),
            versions: [(
                "en".to_string(),
                VersionInput {
                    title: title.into(),
                    lead: None,
                    body: Some("The port reopened on Monday. Ships came in at dawn.".into()),
                    html: None,
                    status: None,
                },
            )]
            .into(),
        }
    }

    /// An editor bound to outlet `a` sends an article of `a` while another editor moves the
    /// stored one to outlet `b`: the write is checked again against what it would replace,
    /// and refused, instead of taking the article back from `b`.
    #[test]
    fn an_article_that_changes_outlet_during_a_scoped_write_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let memory = std::sync::Arc::new(crate::editorial::scratch_memory(dir.path()));
        let settings = Settings::default();
        save(&memory, article("a", "First"), &settings, &Scope::Any).unwrap();
        let other = memory.clone();
        BETWEEN.with(|b| {
            *b.borrow_mut() = Some(Box::new(move || {
                let moved = article("b", "Moved");
                save(&other, moved, &Settings::default(), &Scope::Any).unwrap();
            }))
        });
        let scoped = Scope::Outlets(vec!["a".into()]);
        let refused = save(&memory, article("a", "Taken"), &settings, &scoped);
        assert!(
            matches!(&refused, Err(EditorialError::OutOfScope(Some(o))) if o == "b"),
            "{refused:?}"
        );
        let stored = get(&memory, "2026-12-06.port").unwrap();
        assert_eq!(stored.article.outlet.as_deref(), Some("b"));
        // Without anyone between, the scope lets its own outlet's article be written.
        save(&memory, article("a", "Back"), &settings, &Scope::Any).unwrap();
        save(&memory, article("a", "Again"), &settings, &scoped).unwrap();
        assert!(matches!(
            save(&memory, article("b", "Away"), &settings, &scoped),
            Err(EditorialError::OutOfScope(_))
        ));
    }
}
