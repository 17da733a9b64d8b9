//! [`Memo`]: the emulator's one cache shape, for results that are pure functions of their key (or
//! that the caller re-validates against what it just read), so that a hit never answers stale data.
//!
//! Why it exists (measured with `bench/run.sh`, wrk on SDK `sessions/authenticate`): RS256 signing
//! with the pure-Rust `rsa` crate costs milliseconds, and every authenticate mints a JWT; memoizing
//! the signature of an identical signing input (PKCS#1 v1.5 is deterministic) took the emulator from
//! 442 to about 8,000 req/s, and the parsed-owner and verified-JWT memos from there to about 16,000.

use crate::error::ApiResult;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::MutexGuard;

/// A small per-key memo (signed message → JWT, member id → last parsed session owner, JWT → its
/// verified claims). An entry is used only when the caller finds it still made from exactly
/// what was just read, so it never answers stale data. Bounded: cleared when it grows past
/// [`MEMO_CAP`] keys.
pub(crate) struct Memo<V>(Mutex<HashMap<String, V>>);

const MEMO_CAP: usize = 4096;

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }
}

impl<V: Clone> Memo<V> {
    /// The entry for `key` if `fresh` accepts it, else `make()`'s value, remembered (`make` runs
    /// without holding the memo; its errors are not remembered).
    pub(crate) fn get_or_make(
        &self,
        key: &str,
        fresh: impl FnOnce(&V) -> bool,
        make: impl FnOnce() -> ApiResult<V>,
    ) -> ApiResult<V> {
        if let Some(v) = self.lock().get(key).filter(|v| fresh(v)) {
            return Ok(v.clone());
        }
        let v = make()?;
        let mut map = self.lock();
        if map.len() >= MEMO_CAP {
            map.clear();
        }
        map.insert(key.to_string(), v.clone());
        Ok(v)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, V>> {
        // Entries are replaced whole, so a map left by a panicking thread is still sound.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_entry_is_reused_a_stale_one_remade_and_errors_not_kept() {
        let memo = Memo::<u32>::default();
        assert_eq!(memo.get_or_make("k", |_| true, || Ok(1)).ok(), Some(1));
        assert_eq!(
            memo.get_or_make("k", |_| true, || Ok(2)).ok(),
            Some(1),
            "hit"
        );
        assert_eq!(
            memo.get_or_make("k", |v| *v == 2, || Ok(3)).ok(),
            Some(3),
            "stale: remade"
        );
        let failed = memo.get_or_make("e", |_| true, || Err(crate::error::ApiError::internal()));
        assert!(failed.is_err());
        assert_eq!(
            memo.get_or_make("e", |_| true, || Ok(4)).ok(),
            Some(4),
            "errors are not kept"
        );
    }

    #[test]
    fn the_memo_stays_bounded() {
        let memo = Memo::<usize>::default();
        for i in 0..MEMO_CAP + 5 {
            assert_eq!(
                memo.get_or_make(&format!("k{i}"), |_| true, || Ok(i)).ok(),
                Some(i)
            );
        }
        assert!(memo.lock().len() <= MEMO_CAP);
        let last = format!("k{}", MEMO_CAP + 4);
        assert_eq!(
            memo.get_or_make(&last, |_| true, || Ok(0)).ok(),
            Some(MEMO_CAP + 4)
        );
    }
}
