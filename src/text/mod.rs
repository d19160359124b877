//! Text handling that knows languages but not storage: normalisation for matching and the
//! word/number/punctuation tokens that retrieval and scoring work on.

mod lexicon;
pub mod normalize;
pub mod numbers;
pub mod profile;
pub mod sentences;
pub mod stem;
pub mod tokens;
pub mod words;

pub use normalize::{fold_whitespace, nfc, same_text};
pub use profile::{profile, LanguageProfile};
pub use tokens::{tokenize, Token, TokenKind};
