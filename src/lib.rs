//! tetraglot: a translation memory for the newsroom's Armenian, Azerbaijani, Russian and
//! English text, kept in a tantivy index and served over HTTP.
//!
//! Layers, each depending only on those below it (ARCHITECTURE.md; `tests/api/layers.rs`
//! keeps them so): `http` → `engine` → `memory` → `index` (the only module that imports
//! tantivy), `engine` → `formats` (TMX, TSV, HTML), `http` → `editorial` (articles) →
//! `align`, `memory`, `formats`; all of them → `text` → `model` (the leaf).

pub mod align;
pub mod auth;
pub mod config;
pub mod durable;
pub mod editorial;
pub mod engine;
pub mod fault;
pub mod formats;
pub mod fuzzing;
pub mod http;
pub mod index;
pub mod l10n;
pub mod memory;
pub mod model;
pub mod startup;
pub mod tasks;
pub mod text;
