//! The session refresh of Stytch's `SessionManager`: every 3 minutes while a session exists,
//! `POST /b2b/sessions/authenticate`; failures are retried with backoff `2000·2^min(n,7) ± 175 ms` (4 s … 256 s)
//! for ever; only the four unrecoverable error types end the session.
//!
//! Each state write bumps a generation number and, when the new state has a session, starts a new timer
//! task for that generation; a task whose generation is stale stops, so a timer never outlives the state
//! that scheduled it.
//!
//! Where Stytch lets every tab refresh on its own timer, here tabs take turns: a refresh runs under the
//! cross-tab lock `stytch_refresh_<public_token>` ([`Runtime::run_exclusive`], Web Locks in the browser)
//! and is skipped when another tab had the session verified since this tab's timer started: every
//! verification writes its time to storage (`…::verified_at`), and a timer remembers the value it saw. No
//! clocks are compared, so tabs whose clocks disagree still take turns. The other tabs learn the fresh state
//! from the storage event, which restarts their timers.
//!
//! [`Runtime::run_exclusive`]: super::platform::Runtime::run_exclusive

use std::sync::Mutex;

#[cfg(test)]
use base64::Engine as _;
use futures_channel::oneshot;

use super::client::{StytchB2BClient, lock, state_key};
use super::error::StytchError;

/// 3 minutes.
pub const REFRESH_INTERVAL_MS: u64 = 180_000;
const JITTER_MS: u64 = 175;
/// A JWT this close to its `exp` counts as expired when the page becomes visible again.
const JWT_EXPIRY_MARGIN_MS: i64 = 30_000;

#[derive(Default)]
pub(crate) struct RefreshState {
    generation: Mutex<u64>,
    /// The `session_duration_minutes` of the app's last authenticate call, re-sent with
    /// `keep_session_alive`.
    pub(crate) last_session_duration: Mutex<Option<u32>>,
}

/// Backoff before retry `n` (n from 1), without jitter: 4 s, 8 s, … capped at 256 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    2000 * (1u64 << attempt.min(7))
}

fn verified_at_key(client: &StytchB2BClient) -> String {
    format!("{}::verified_at", state_key(client.public_token()))
}

/// Records that the server just verified the session (any authenticate that returned one).
pub(crate) fn mark_verified(client: &StytchB2BClient) {
    let now = client.inner.runtime.now_ms();
    client
        .inner
        .store
        .set_item(&verified_at_key(client), &now.to_string());
}

/// The shared verification mark, as stored (compared for equality only).
fn verified_mark(client: &StytchB2BClient) -> Option<String> {
    client.inner.store.get_item(&verified_at_key(client))
}

fn verified_ago_ms(client: &StytchB2BClient) -> Option<i64> {
    let at: i64 = client
        .inner
        .store
        .get_item(&verified_at_key(client))?
        .parse()
        .ok()?;
    Some(client.inner.runtime.now_ms() - at)
}

fn bump_generation(client: &StytchB2BClient) -> u64 {
    let mut g = lock(&client.inner.refresh.generation);
    *g += 1;
    *g
}

pub(crate) fn on_state_written(client: &StytchB2BClient, has_session: bool) {
    let generation = bump_generation(client);
    if has_session {
        spawn_loop(client, generation, REFRESH_INTERVAL_MS, 0);
    }
}

/// After a failed restore at start-up: retry with backoff, as after a failed refresh.
pub(crate) fn schedule_retry(client: &StytchB2BClient) {
    let generation = *lock(&client.inner.refresh.generation);
    spawn_loop(client, generation, jittered(client, backoff_ms(1)), 1);
}

impl StytchB2BClient {
    /// Tells the client the page became visible again, or came back online. If the session JWT has expired
    /// (or is about to), or the session was last verified more than one refresh interval ago, it is
    /// refreshed at once instead of at the next timer tick. The browser layer calls this on
    /// `visibilitychange` and `online`.
    pub fn on_page_active(&self) {
        if self.snapshot().state.is_none() {
            return;
        }
        let jwt_stale = self
            .jwt()
            .and_then(|jwt| jwt_expiry_ms(&jwt))
            .is_some_and(|exp| exp - JWT_EXPIRY_MARGIN_MS <= self.inner.runtime.now_ms());
        let overdue = verified_ago_ms(self)
            .is_none_or(|ago| ago >= i64::try_from(REFRESH_INTERVAL_MS).unwrap_or(i64::MAX));
        if jwt_stale || overdue {
            let generation = bump_generation(self);
            spawn_loop(self, generation, 0, 0);
        }
    }
}

/// The `exp` claim of a JWT, in Unix milliseconds (no signature check: only used to decide when to refresh).
pub(crate) fn jwt_expiry_ms(jwt: &str) -> Option<i64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = super::host::base64url_decode(payload.trim_end_matches('='))?;
    let claims = super::host::parse_json(std::str::from_utf8(&bytes).ok()?)?;
    claims.get("exp")?.as_i64()?.checked_mul(1000)
}

fn jittered(client: &StytchB2BClient, base: u64) -> u64 {
    let mut b = [0u8; 2];
    client.inner.runtime.fill_random(&mut b);
    let offset = u64::from(u16::from_le_bytes(b)) % (2 * JITTER_MS + 1);
    base + offset - JITTER_MS
}

enum Outcome {
    /// Another tab verified the session since our timer started (the new mark is returned).
    Skipped(Option<String>),
    Done(Result<(), StytchError>),
}

/// One refresh under the cross-tab lock, unless the verification mark moved past `seen`.
async fn refresh_once(
    client: &StytchB2BClient,
    duration: Option<u32>,
    seen: Option<String>,
) -> Outcome {
    let (tx, rx) = oneshot::channel();
    let c = client.clone();
    let task = Box::pin(async move {
        let mark = verified_mark(&c);
        let outcome = if mark != seen {
            Outcome::Skipped(mark)
        } else {
            Outcome::Done(
                c.session()
                    .authenticate_internal(duration)
                    .await
                    .map(|_| ()),
            )
        };
        let _ = tx.send(outcome);
    });
    let name = format!("stytch_refresh_{}", client.public_token());
    client.inner.runtime.run_exclusive(&name, task).await;
    rx.await
        .unwrap_or_else(|_| Outcome::Done(Err(StytchError::unreachable("refresh was cancelled"))))
}

fn spawn_loop(client: &StytchB2BClient, generation: u64, first_delay: u64, first_attempt: u32) {
    let client = client.clone();
    let runtime = client.inner.runtime.clone();
    // The first timer starts now, not when the task is first polled; so does what it has seen.
    let mut timer = runtime.sleep(first_delay);
    let mut seen = verified_mark(&client);
    runtime.spawn(Box::pin(async move {
        let current = |c: &StytchB2BClient| *lock(&c.inner.refresh.generation) == generation;
        let mut attempt = first_attempt;
        loop {
            timer.await;
            if !current(&client) || client.snapshot().state.is_none() {
                return;
            }
            let duration = if client.inner.options.keep_session_alive {
                *lock(&client.inner.refresh.last_session_duration)
            } else {
                None
            };
            let delay = match refresh_once(&client, duration, seen.clone()).await {
                Outcome::Skipped(mark) => {
                    // Normally the other tab's state write restarts our timer first; if it does not,
                    // look again one interval after what we have now seen.
                    seen = mark;
                    REFRESH_INTERVAL_MS
                }
                // Success wrote the state, which started the next generation's timer.
                Outcome::Done(Ok(())) => return,
                // Unrecoverable: `authenticate` already destroyed the session.
                Outcome::Done(Err(e)) if e.is_unrecoverable() => return,
                Outcome::Done(Err(_)) => {
                    attempt += 1;
                    jittered(&client, backoff_ms(attempt))
                }
            };
            if !current(&client) {
                return;
            }
            timer = client.inner.runtime.sleep(delay);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_4s_to_256s() {
        let seq: Vec<u64> = (1..=9).map(backoff_ms).collect();
        assert_eq!(
            seq,
            [
                4000, 8000, 16000, 32000, 64000, 128000, 256000, 256000, 256000
            ]
        );
    }

    #[test]
    fn jwt_expiry_is_read_from_the_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"member-test-1","exp":1795640700}"#);
        assert_eq!(
            jwt_expiry_ms(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig")),
            Some(1_795_640_700_000)
        );
        assert_eq!(jwt_expiry_ms("not-a-jwt"), None);
        assert_eq!(jwt_expiry_ms("a.!!!.c"), None);
    }
}
