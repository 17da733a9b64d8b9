//! The session refresh of Stytch's `SessionManager` (protocol §6): every 3 minutes while a session exists,
//! `POST /b2b/sessions/authenticate`; failures are retried with backoff `2000·2^min(n,7) ± 175 ms` (4 s … 256 s)
//! for ever; only the four unrecoverable error types end the session.
//!
//! Each state write bumps a generation number and, when the new state has a session, starts a new timer
//! task for that generation; a task whose generation is stale stops, so a timer never outlives the state
//! that scheduled it.

use std::sync::Mutex;

use super::client::{StytchB2BClient, lock};

/// 3 minutes.
pub const REFRESH_INTERVAL_MS: u64 = 180_000;
const JITTER_MS: u64 = 175;

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

pub(crate) fn on_state_written(client: &StytchB2BClient, has_session: bool) {
    let generation = {
        let mut g = lock(&client.inner.refresh.generation);
        *g += 1;
        *g
    };
    if has_session {
        spawn_loop(client, generation, REFRESH_INTERVAL_MS, 0);
    }
}

/// After a failed restore at start-up: retry with backoff, as after a failed refresh.
pub(crate) fn schedule_retry(client: &StytchB2BClient) {
    let generation = *lock(&client.inner.refresh.generation);
    spawn_loop(client, generation, jittered(client, backoff_ms(1)), 1);
}

fn jittered(client: &StytchB2BClient, base: u64) -> u64 {
    let mut b = [0u8; 2];
    client.inner.runtime.fill_random(&mut b);
    let offset = u64::from(u16::from_le_bytes(b)) % (2 * JITTER_MS + 1);
    base + offset - JITTER_MS
}

fn spawn_loop(client: &StytchB2BClient, generation: u64, first_delay: u64, first_attempt: u32) {
    let client = client.clone();
    let runtime = client.inner.runtime.clone();
    // The first timer starts now, not when the task is first polled.
    let mut timer = runtime.sleep(first_delay);
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
            match client.session().authenticate_internal(duration).await {
                // Success wrote the state, which started the next generation's timer.
                Ok(_) => return,
                // Unrecoverable: `authenticate` already destroyed the session.
                Err(e) if e.is_unrecoverable() => return,
                Err(_) => {
                    if !current(&client) {
                        return;
                    }
                    attempt += 1;
                    timer = client
                        .inner
                        .runtime
                        .sleep(jittered(&client, backoff_ms(attempt)));
                }
            }
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
}
