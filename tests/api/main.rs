//! Every integration test in one binary (one link of the whole stack instead of one per
//! file): the real server on port 0 over HTTP, real tantivy indexes in temp dirs, real files
//! and, where a test names one, real tools (OmegaT, a JDK).

mod common;

mod align;
mod analysis;
mod articles;
mod batch;
mod browser;
mod cli;
mod desk;
mod durability;
mod editions;
mod export_interop;
mod feeds;
mod fuzz_corpus;
mod imports;
mod keys;
mod l10n;
mod layers;
mod library;
mod matching_quality;
mod memory_api;
mod ntrex;
mod omegat;
mod openapi;
mod operations;
mod segment;
mod stored;
mod tasks;
mod tmserver;
mod wire;
mod xliff;
