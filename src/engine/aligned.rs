//! Aligned sentences as translation units: one unit per bead that has both sides, holding
//! the source sentence(s) and the target sentence(s), in reading order and linked as
//! neighbours, so that a legacy bilingual article becomes memory (or a TMX file).

use std::collections::BTreeMap;

use crate::align::{Bead, Params, Sentence};
use crate::model::lang::Lang;
use crate::model::unit::{link_neighbours, Meta, Prop, Unit, Variant};

/// The units of `beads` (beads with an empty side make none). `document` names the text;
/// each unit records the alignment state: `review` for beads an editor should check, else
/// `auto`.
pub fn bead_units(
    (source_lang, source): (&Lang, &[Sentence]),
    (target_lang, target): (&Lang, &[Sentence]),
    beads: &[Bead],
    document: Option<&str>,
    params: &Params,
) -> Vec<Unit> {
    let join = |sentences: &[Sentence], indices: &[usize]| -> String {
        indices
            .iter()
            .map(|&i| sentences[i].text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut units: Vec<Unit> = beads
        .iter()
        .filter(|b| !b.source.is_empty() && !b.target.is_empty())
        .map(|bead| {
            let mut variants = BTreeMap::new();
            variants.insert(
                source_lang.key().to_string(),
                Variant::plain(source_lang, &join(source, &bead.source)),
            );
            variants.insert(
                target_lang.key().to_string(),
                Variant::plain(target_lang, &join(target, &bead.target)),
            );
            let state = if bead.needs_review(params) {
                "review"
            } else {
                "auto"
            };
            let meta = Meta {
                document: document.map(str::to_string),
                props: vec![
                    Prop {
                        kind: "x-alignment".into(),
                        value: state.into(),
                        lang: None,
                    },
                    Prop {
                        kind: "x-alignment-confidence".into(),
                        value: format!("{:.2}", bead.confidence),
                        lang: None,
                    },
                ],
                ..Meta::default()
            };
            let id = Unit::content_id(&variants);
            Unit { id, variants, meta }
        })
        .collect();
    link_neighbours(&mut units);
    units
}
