//! What a file reader hands the memory: units one by one, the parts it had to leave out
//! (with their line), or the error that stops the whole file. The meeting point of
//! `formats` (which produces it) and `memory` (which imports it); neither knows the other.

use crate::model::unit::Unit;

/// What a reader yields for each unit of a file.
#[derive(Debug)]
pub enum Item {
    Unit(Box<Unit>),
    /// A unit (or one variant of it) that could not be taken, and why.
    Skipped(Skip),
}

/// A part of a file left out of an import, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Skip {
    pub line: u64,
    pub reason: String,
}

/// A file that cannot be read on: the import stops and nothing of it is kept.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("reading the input failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the input is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
}

impl FormatError {
    pub fn malformed(line: u64, message: impl Into<String>) -> FormatError {
        FormatError::Malformed {
            line,
            message: message.into(),
        }
    }
}
