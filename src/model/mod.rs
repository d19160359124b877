//! The leaf of the crate: what a translation memory holds and exchanges (language tags,
//! units, variants and their metadata, the item stream of a file import) and the text rules
//! all layers share. It imports no other module of the crate.

pub mod id;
pub mod inline;
pub mod lang;
pub mod stream;
pub mod text;
pub mod time;
pub mod unit;
