//! Terms of the dictionary near a word the index does not hold: a Levenshtein automaton
//! run over the term dictionary, so that a misspelt or differently spelt word
//! (`Уоллис`/`Уоллес`) still meets its stored form.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

use super::IndexError;

/// A word to look for by its near spellings: terms that are `prefix` followed by a text
/// within `distance` edits (insertion, deletion, substitution, transposition, counted in
/// characters) of `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// What every term of the word's kind starts with (its language key and separator), kept
    /// literally: an edit never changes the language.
    pub prefix: String,
    pub text: String,
    /// 1 or 2 (0 is read as 1, more than 2 as 2: its automaton would be large).
    pub distance: u8,
}

/// How many dictionary terms one word's search reads at most, per segment: a short word in a
/// large vocabulary has many neighbours, and the search must stay bounded.
const TERMS_READ: usize = 256;

/// The automaton builder for `distance`, built once and only when first asked for (the one
/// for distance 2 takes milliseconds to build).
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    match distance {
        0 | 1 => ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true)),
        _ => TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true)),
    }
}

/// The terms of `field` near `near`, with their document frequency, the closest first (then
/// the rarest), at most `keep` of them, all at the smallest distance found.
pub(super) fn near_terms(
    searcher: &Searcher,
    field: Field,
    near: &Near,
    keep: usize,
) -> Result<Vec<(u64, Term)>, IndexError> {
    let dfa = builder(near.distance).build_dfa(&near.text);
    let automaton = Prefixed {
        prefix: near.prefix.as_bytes(),
        dfa: &dfa,
    };
    // term bytes → (distance, document frequency summed over segments)
    let mut found: HashMap<Vec<u8>, (u8, u64)> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().search(&automaton).into_stream()?;
        let mut read = 0;
        while read < TERMS_READ && stream.advance() {
            read += 1;
            let key = stream.key();
            let Distance::Exact(distance) = dfa.eval(&key[near.prefix.len()..]) else {
                continue;
            };
            let entry = found.entry(key.to_vec()).or_insert((distance, 0));
            entry.1 += u64::from(stream.value().doc_freq);
        }
    }
    let Some(closest) = found.values().map(|(distance, _)| *distance).min() else {
        return Ok(Vec::new());
    };
    let mut terms: Vec<(u64, String)> = found
        .into_iter()
        .filter(|(_, (distance, _))| *distance == closest)
        .filter_map(|(bytes, (_, frequency))| Some((frequency, String::from_utf8(bytes).ok()?)))
        .collect();
    terms.sort_unstable();
    terms.truncate(keep);
    Ok(terms
        .into_iter()
        .map(|(frequency, text)| (frequency, Term::from_field_text(field, &text)))
        .collect())
}

/// Terms that start with `prefix` and whose rest the DFA accepts.
struct Prefixed<'a> {
    prefix: &'a [u8],
    dfa: &'a DFA,
}

#[derive(Clone, Copy)]
enum State {
    /// Bytes of the prefix matched so far.
    Prefix(usize),
    Rest(u32),
    Dead,
}

impl Automaton for &Prefixed<'_> {
    type State = State;

    fn start(&self) -> State {
        match self.prefix.is_empty() {
            true => State::Rest(self.dfa.initial_state()),
            false => State::Prefix(0),
        }
    }

    fn is_match(&self, state: &State) -> bool {
        match state {
            State::Rest(at) => matches!(self.dfa.distance(*at), Distance::Exact(_)),
            _ => false,
        }
    }

    fn can_match(&self, state: &State) -> bool {
        match state {
            State::Prefix(_) => true,
            State::Rest(at) => *at != SINK_STATE,
            State::Dead => false,
        }
    }

    fn accept(&self, state: &State, byte: u8) -> State {
        match *state {
            State::Prefix(at) if self.prefix[at] == byte => match at + 1 == self.prefix.len() {
                true => State::Rest(self.dfa.initial_state()),
                false => State::Prefix(at + 1),
            },
            State::Prefix(_) | State::Dead => State::Dead,
            State::Rest(at) => State::Rest(self.dfa.transition(at, byte)),
        }
    }
}
