//! API keys and their roles: the master key from the configuration, the keys it makes kept
//! hashed in the data directory (`keys.json`), and who a presented key is. Knows no HTTP.
//!
//! A key is 32 random bytes (`tg_` and 43 base64url characters). Only its SHA-256 is kept:
//! a slow password hash (argon2, bcrypt) protects low-entropy secrets a person chose, whose
//! hashes could be guessed back; 256 random bits cannot be guessed from their hash, so one
//! fast hash per request is enough, and it keeps authentication off the latency budget.
//! Keys are found by their hash in a map: what the lookup's timing could reveal is a prefix
//! of a hash, which says nothing about any key. The master key is compared in constant time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::time::Timestamp;

/// The file the keys are kept in, in the data directory.
pub const KEYS_FILE: &str = "keys.json";
/// The format of `keys.json` this release writes (and the newest it reads).
const KEYS_FORMAT: u32 = 1;
/// What every key starts with, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "tg_";
/// How much of a key its listing shows: the prefix and six characters.
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 6;
/// The most keys kept (each is a line of `keys.json`, rewritten whole on every change).
pub const MAX_KEYS: usize = 1_000;

/// What a key may do; each role can do everything the ones before it can.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Look up, search, export, read feeds, articles and analyses.
    Read,
    /// Also add and change units, import, write articles and alignments, pre-translate.
    Write,
    /// Also manage keys and delete whole documents.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A key as listed: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KeyInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The key's first characters, to tell keys apart (`tg_Ab3xY9`).
    pub prefix: String,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The outlets whose articles the key may write; empty: all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outlets: Vec<String>,
    pub last_used: Option<String>,
}

/// A key to make.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub name: String,
    pub role: Role,
    pub expires: Option<Timestamp>,
    pub outlets: Vec<String>,
}

/// Who presented a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// Keys are off (no master key configured): everyone may do everything.
    Open,
    /// The master key.
    Master,
    /// No key, on a path the policy lets anyone read.
    Anonymous,
    /// A key the master key made.
    Key {
        id: String,
        role: Role,
        outlets: Vec<String>,
    },
}

impl Caller {
    pub fn role(&self) -> Role {
        match self {
            Caller::Open | Caller::Master => Role::Admin,
            Caller::Anonymous => Role::Read,
            Caller::Key { role, .. } => *role,
        }
    }

    /// The id rate limits and logs name the caller by (never the key).
    pub fn key_id(&self) -> &str {
        match self {
            Caller::Open | Caller::Anonymous => "",
            Caller::Master => "master",
            Caller::Key { id, .. } => id,
        }
    }

    /// Whether the caller is bound to outlets (it writes only their articles).
    pub fn bound_to_outlets(&self) -> bool {
        matches!(self, Caller::Key { outlets, .. } if !outlets.is_empty())
    }

    /// Whether the caller may write an article of `outlet`.
    pub fn may_write_outlet(&self, outlet: Option<&str>) -> bool {
        match self {
            Caller::Key { outlets, .. } if !outlets.is_empty() => {
                outlet.is_some_and(|o| outlets.iter().any(|allowed| allowed == o))
            }
            Caller::Anonymous => false,
            _ => true,
        }
    }
}

/// Why a presented key is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the key is not known (or was revoked)")]
    Unknown,
    #[error("the key has expired")]
    Expired,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "keys are off: no master key is configured (TETRAGLOT_MASTER_KEY or --master-key-file)"
    )]
    Disabled,
    #[error("{0}")]
    Invalid(String),
    #[error("{path} cannot be read: {why}", path = .0.display(), why = .1)]
    Unreadable(PathBuf, String),
    #[error("the keys could not be saved: {0}")]
    Io(#[from] std::io::Error),
}

/// A key as `keys.json` keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredKey {
    id: String,
    name: String,
    role: Role,
    prefix: String,
    /// SHA-256 of the key, hex.
    sha256: String,
    created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outlets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_used: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct KeysFile {
    format: u32,
    keys: Vec<StoredKey>,
}

struct Entry {
    stored: StoredKey,
    /// `stored.expires` in Unix seconds, read once: each request compares two integers.
    expires_at: Option<i64>,
    /// Unix seconds of the last request with the key (0: never); kept in memory and written
    /// with the next change or [`Keys::flush`], not on every request.
    last_used: AtomicI64,
}

/// The keys of one data directory.
pub struct Keys {
    path: PathBuf,
    /// Held by whoever writes `keys.json` (a change, or a flush of last uses), so saves
    /// follow each other; requests only ever take the map's read lock, never wait on a disk.
    saving: std::sync::Mutex<()>,
    master: Option<[u8; 32]>,
    entries: RwLock<HashMap<[u8; 32], Arc<Entry>>>,
    /// Whether a last use is newer than the file.
    dirty: AtomicBool,
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (k, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * k..2 * k + 2)?, 16).ok()?;
    }
    Some(out)
}

fn unix_of(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

impl Entry {
    fn new(stored: StoredKey) -> Entry {
        let last_used = stored.last_used.as_deref().and_then(unix_of).unwrap_or(0);
        Entry {
            // An expiry that cannot be read is taken as past: a key is refused, never
            // kept for ever by mistake.
            expires_at: stored
                .expires
                .as_deref()
                .map(|e| unix_of(e).unwrap_or(i64::MIN)),
            stored,
            last_used: AtomicI64::new(last_used),
        }
    }
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn stamp(unix: i64) -> Option<String> {
    let time = time::OffsetDateTime::from_unix_timestamp(unix).ok()?;
    Timestamp::parse(
        &time
            .format(&time::format_description::well_known::Rfc3339)
            .ok()?,
    )
    .map(Timestamp::into_string)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| AuthError::Io(std::io::Error::other(format!("no randomness: {e}"))))?;
    Ok(bytes)
}

impl Keys {
    /// The keys kept in `dir`, with `master` as the master key (`None`: keys are off, and
    /// every request may do everything, as before keys existed).
    pub fn open(dir: &Path, master: Option<&str>) -> Result<Keys, AuthError> {
        let path = dir.join(KEYS_FILE);
        let mut entries = HashMap::new();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let unreadable = |why: String| AuthError::Unreadable(path.clone(), why);
                let file: KeysFile =
                    serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
                if file.format > KEYS_FORMAT {
                    return Err(unreadable(format!(
                        "it is in format {}, written by a newer tetraglot",
                        file.format
                    )));
                }
                for stored in file.keys {
                    let hash = unhex(&stored.sha256)
                        .ok_or_else(|| unreadable(format!("key {} has no hash", stored.id)))?;
                    entries.insert(hash, Arc::new(Entry::new(stored)));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AuthError::Unreadable(path, e.to_string())),
        }
        Ok(Keys {
            path,
            saving: std::sync::Mutex::new(()),
            master: master.map(sha256),
            entries: RwLock::new(entries),
            dirty: AtomicBool::new(false),
        })
    }

    /// Whether requests need keys (a master key is configured).
    pub fn enabled(&self) -> bool {
        self.master.is_some()
    }

    /// Who presents `token`.
    pub fn authenticate(&self, token: &str) -> Result<Caller, Refusal> {
        let Some(master) = &self.master else {
            return Ok(Caller::Open);
        };
        let hash = sha256(token);
        if bool::from(subtle::ConstantTimeEq::ct_eq(&hash[..], &master[..])) {
            return Ok(Caller::Master);
        }
        let entry = self
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&hash)
            .cloned()
            .ok_or(Refusal::Unknown)?;
        let now = unix_now();
        if entry.expires_at.is_some_and(|expires| now >= expires) {
            return Err(Refusal::Expired);
        }
        // A last use to the minute is all a listing needs; fewer writes to the atomic.
        if now - entry.last_used.load(Ordering::Relaxed) >= 60 {
            entry.last_used.store(now, Ordering::Relaxed);
            self.dirty.store(true, Ordering::Relaxed);
        }
        Ok(Caller::Key {
            id: entry.stored.id.clone(),
            role: entry.stored.role,
            outlets: entry.stored.outlets.clone(),
        })
    }

    /// Makes a key; answers it (the only time it is ever shown) with its listing. Saved
    /// before it returns.
    pub fn create(&self, new: NewKey) -> Result<(KeyInfo, String), AuthError> {
        if !self.enabled() {
            return Err(AuthError::Disabled);
        }
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AuthError::Invalid(
                "a key's name is 1–100 characters without control characters".into(),
            ));
        }
        if new.outlets.len() > 100 || new.outlets.iter().any(|o| o.trim().is_empty()) {
            return Err(AuthError::Invalid(
                "'outlets' lists at most 100 outlet names, none empty".into(),
            ));
        }
        let now = Timestamp::now();
        if new.expires.as_ref().is_some_and(|e| *e <= now) {
            return Err(AuthError::Invalid("'expires' is in the past".into()));
        }
        use base64::Engine as _;
        let secret = format!(
            "{KEY_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)
        );
        let stored = StoredKey {
            id: hex(&random_bytes::<8>()?),
            name: name.to_string(),
            role: new.role,
            prefix: secret.chars().take(SHOWN_CHARS).collect(),
            sha256: hex(&sha256(&secret)),
            created: now.into_string(),
            expires: new.expires.map(Timestamp::into_string),
            outlets: new.outlets,
            last_used: None,
        };
        let _saving = self.saving.lock().unwrap_or_else(|e| e.into_inner());
        let entry = Arc::new(Entry::new(stored));
        let info = info_of(&entry);
        {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if entries.len() >= MAX_KEYS {
                return Err(AuthError::Invalid(format!(
                    "there are {MAX_KEYS} keys already; revoke some first"
                )));
            }
            entries.insert(sha256(&secret), entry);
        }
        // Usable only once the answer could be given: a key whose save failed is taken out.
        if let Err(error) = self.save() {
            self.entries
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&sha256(&secret));
            return Err(error);
        }
        Ok((info, secret))
    }

    /// Every key, oldest first.
    pub fn list(&self) -> Vec<KeyInfo> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let mut keys: Vec<KeyInfo> = entries.values().map(|e| info_of(e)).collect();
        keys.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
        keys
    }

    /// Revokes key `id` at once (its next request is refused); false when there is none.
    pub fn revoke(&self, id: &str) -> Result<bool, AuthError> {
        let _saving = self.saving.lock().unwrap_or_else(|e| e.into_inner());
        let removed = {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            let Some(hash) = entries
                .iter()
                .find(|(_, e)| e.stored.id == id)
                .map(|(hash, _)| *hash)
            else {
                return Ok(false);
            };
            // Refused from this moment, before the file is written.
            entries.remove(&hash).map(|entry| (hash, entry))
        };
        if let Err(error) = self.save() {
            if let Some((hash, entry)) = removed {
                self.entries
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(hash, entry);
            }
            return Err(error);
        }
        Ok(true)
    }

    /// Writes the last uses, when any is newer than the file.
    pub fn flush(&self) -> Result<(), AuthError> {
        if self.dirty.load(Ordering::Relaxed) {
            let _saving = self.saving.lock().unwrap_or_else(|e| e.into_inner());
            self.save()?;
        }
        Ok(())
    }

    /// Writes `keys.json` whole, atomically: a temporary file made durable, then renamed.
    /// The caller holds `saving`; the map is only read, for a snapshot.
    fn save(&self) -> Result<(), AuthError> {
        let snapshot: Vec<Arc<Entry>> = self
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        // Cleared before the snapshot's last uses are read: a use after this marks it again.
        let was_dirty = self.dirty.swap(false, Ordering::Relaxed);
        let written = self.write_file(&snapshot);
        if written.is_err() && was_dirty {
            self.dirty.store(true, Ordering::Relaxed);
        }
        written
    }

    fn write_file(&self, snapshot: &[Arc<Entry>]) -> Result<(), AuthError> {
        let mut keys: Vec<StoredKey> = snapshot
            .iter()
            .map(|e| StoredKey {
                last_used: stamp(e.last_used.load(Ordering::Relaxed))
                    .filter(|_| e.last_used.load(Ordering::Relaxed) > 0),
                ..e.stored.clone()
            })
            .collect();
        keys.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
        let text = serde_json::to_string_pretty(&KeysFile {
            format: KEYS_FORMAT,
            keys,
        })
        .map_err(|e| AuthError::Io(std::io::Error::other(e)))?;
        crate::durable::write_file(&self.path, text.as_bytes())?;
        Ok(())
    }
}

fn info_of(entry: &Entry) -> KeyInfo {
    let s = &entry.stored;
    let last = entry.last_used.load(Ordering::Relaxed);
    KeyInfo {
        id: s.id.clone(),
        name: s.name.clone(),
        role: s.role,
        prefix: s.prefix.clone(),
        created: s.created.clone(),
        expires: s.expires.clone(),
        outlets: s.outlets.clone(),
        last_used: (last > 0).then(|| stamp(last)).flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(role: Role) -> NewKey {
        NewKey {
            name: "desk".into(),
            role,
            expires: None,
            outlets: Vec::new(),
        }
    }

    #[test]
    fn keys_are_kept_hashed_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::open(dir.path(), Some("master-secret")).unwrap();
        assert_eq!(keys.authenticate("master-secret"), Ok(Caller::Master));
        assert_eq!(keys.authenticate("master-secreT"), Err(Refusal::Unknown));
        let (info, secret) = keys.create(new(Role::Write)).unwrap();
        assert!(secret.starts_with("tg_") && secret.len() == 46, "{secret}");
        assert!(secret.starts_with(&info.prefix));
        let on_disk = std::fs::read_to_string(dir.path().join(KEYS_FILE)).unwrap();
        assert!(!on_disk.contains(&secret) && !on_disk.contains("master-secret"));
        assert!(on_disk.contains(&hex(&sha256(&secret))));

        let reopened = Keys::open(dir.path(), Some("master-secret")).unwrap();
        match reopened.authenticate(&secret).unwrap() {
            Caller::Key { id, role, .. } => assert_eq!((id, role), (info.id.clone(), Role::Write)),
            other => panic!("{other:?}"),
        }
        assert!(reopened.list()[0].last_used.is_some());
        assert!(reopened.revoke(&info.id).unwrap());
        assert_eq!(reopened.authenticate(&secret), Err(Refusal::Unknown));
        assert!(!reopened.revoke(&info.id).unwrap());
        let again = Keys::open(dir.path(), Some("master-secret")).unwrap();
        assert!(again.list().is_empty());
    }

    #[test]
    fn an_expired_key_is_refused_and_a_past_expiry_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::open(dir.path(), Some("m")).unwrap();
        let past = NewKey {
            expires: Timestamp::parse("2020-01-01T00:00:00Z"),
            ..new(Role::Read)
        };
        assert!(matches!(keys.create(past), Err(AuthError::Invalid(_))));
        // Written as if made before it expired.
        let (info, secret) = keys.create(new(Role::Read)).unwrap();
        {
            let mut entries = keys.entries.write().unwrap();
            let entry = entries.get_mut(&sha256(&secret)).unwrap();
            let mut stored = entry.stored.clone();
            stored.expires = Some("2020-01-01T00:00:00Z".into());
            *entry = Arc::new(Entry::new(stored));
        }
        assert_eq!(keys.authenticate(&secret), Err(Refusal::Expired));
        assert_eq!(keys.list()[0].id, info.id);
    }

    #[test]
    fn without_a_master_key_keys_are_off() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::open(dir.path(), None).unwrap();
        assert_eq!(keys.authenticate("anything"), Ok(Caller::Open));
        assert!(matches!(
            keys.create(new(Role::Read)),
            Err(AuthError::Disabled)
        ));
    }

    #[test]
    fn a_newer_keys_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEYS_FILE), r#"{"format": 9, "keys": []}"#).unwrap();
        let error = Keys::open(dir.path(), Some("m")).err().unwrap();
        assert!(error.to_string().contains("newer"), "{error}");
    }

    #[test]
    fn outlets_bound_what_a_key_may_write() {
        let key = Caller::Key {
            id: "k".into(),
            role: Role::Write,
            outlets: vec!["az.news".into()],
        };
        assert!(key.may_write_outlet(Some("az.news")));
        assert!(!key.may_write_outlet(Some("hy.news")));
        assert!(!key.may_write_outlet(None));
        assert!(Caller::Master.may_write_outlet(None));
    }
}
