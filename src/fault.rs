//! Panics caught where one request's failure must not take the others down: the writer
//! thread, each write job, and every blocking task of the HTTP layer.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; a panic becomes `Err` with its message, and is logged.
///
/// Unwind safety: what the callers share across a caught panic is either owned by the closure
/// (and dropped with it) or guarded by its own invariants (the writer rolls back the whole
/// group of a job that panicked), so observing it afterwards is sound.
pub fn catch<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = message(payload.as_ref());
        tracing::error!(task = what, panic = %message.escape_debug(), "a task panicked");
        message
    })
}

/// The text a panic was raised with.
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch("test", || 7), Ok(7));
        assert_eq!(
            catch("test", || -> u8 { panic!("boom {}", 1) }),
            Err("boom 1".to_string())
        );
    }
}
