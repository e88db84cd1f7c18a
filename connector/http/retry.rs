//! The one retry policy every request shares: bounded exponential backoff with jitter, `Retry-After`
//! honoured, each wait sent as a `wait` event and cut short by `cancel`; and the bounded patience with
//! which the connector waits for the directory to catch up (replication, propagation to tokens).
//!
//! Microsoft's guidance: throttled (429) and unavailable (503, 504) answers are retried after the
//! `Retry-After` the service sends (<https://learn.microsoft.com/graph/throttling>); new directory objects
//! may not be visible at once, so a just-created object's 404 is waited out
//! (<https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/>).

use std::time::{Duration, Instant};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, WaitReason};
use crate::http::options::{NetworkOptions, RetryOptions};

/// The longest single wait while the directory catches up: patience backs off up to this, then keeps
/// asking at this interval until its bound.
const CONSISTENCY_STEP_CAP: Duration = Duration::from_secs(5);

/// A random number in `0..=max` (`max` included), from the crypto backend's generator.
fn random_up_to(max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let mut bytes = [0u8; 8];
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        return max / 2;
    }
    u64::from_le_bytes(bytes) % (max + 1)
}

/// The backoff before retry number `retry` (1 for the first retry): half of `base · 2^(retry-1)` capped at
/// `max`, plus a random part of up to the other half ("equal jitter"), so parallel clients spread out.
pub fn backoff(options: &RetryOptions, retry: u32) -> Duration {
    let exponent = retry.saturating_sub(1).min(30);
    let ceiling = options
        .base_delay_ms
        .saturating_mul(1u64 << exponent)
        .min(options.max_delay_ms);
    Duration::from_millis(ceiling / 2 + random_up_to(ceiling - ceiling / 2))
}

/// Reads a `Retry-After` header: delay-seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        // A value too large for a `Duration` (e.g. `1e300`) reads as none rather than panicking.
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = OffsetDateTime::parse(value, &Rfc2822).ok()?;
    let delta = at - now;
    Some(if delta.is_negative() {
        Duration::ZERO
    } else {
        delta.unsigned_abs()
    })
}

/// Waits `delay`, telling the host first (a `wait` event), and returns early with `Cancelled` when the
/// host cancels the call.
pub async fn wait(
    call: &Call<'_>,
    reason: WaitReason,
    delay: Duration,
    attempt: u32,
    max_attempts: u32,
    message: String,
) -> Result<(), Error> {
    call.emit(EventBody::Wait {
        reason,
        seconds: delay.as_secs_f64(),
        attempt,
        max_attempts,
        message,
    });
    tokio::select! {
        () = tokio::time::sleep(delay) => Ok(()),
        () = call.cancelled() => Err(call.cancelled_error()),
    }
}

/// How long to wait for the directory to catch up, in all: created once per thing waited for, it backs
/// off from the retry policy's base delay up to a few seconds, and says when the bound is spent.
#[derive(Debug)]
pub struct Patience {
    started: Instant,
    limit: Duration,
    base: Duration,
    attempt: u32,
}

impl Patience {
    /// Patience bounded by the session's `network.consistency_wait_ms`.
    pub fn new(options: &NetworkOptions) -> Patience {
        Patience {
            started: Instant::now(),
            limit: options.consistency_wait(),
            base: Duration::from_millis(options.retry.base_delay_ms.max(1)),
            attempt: 0,
        }
    }

    /// How long this patience has waited so far.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Waits once more (with a `wait` event), or returns `Timeout` naming `what` when the bound is spent.
    pub async fn wait(
        &mut self,
        call: &Call<'_>,
        reason: WaitReason,
        what: &str,
    ) -> Result<(), Error> {
        let elapsed = self.started.elapsed();
        if elapsed >= self.limit {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "Gave up waiting for {what} after {:.1} s (the bound is network.consistency_wait_ms = {} ms).",
                    elapsed.as_secs_f64(),
                    self.limit.as_millis()
                ),
            )
            .with_hint(
                "Microsoft's directory can take a while to replicate new objects and permissions. Run the \
                 step again: it continues from what was already done.",
            ));
        }
        self.attempt += 1;
        let step = self
            .base
            .saturating_mul(1u32 << self.attempt.saturating_sub(1).min(16))
            .min(CONSISTENCY_STEP_CAP)
            .min(self.limit - elapsed);
        let message = match reason {
            WaitReason::Replication => format!(
                "Waiting {:.1} s for {what} (the directory has not caught up yet).",
                step.as_secs_f64()
            ),
            _ => format!("Waiting {:.1} s for {what}.", step.as_secs_f64()),
        };
        wait(call, reason, step, self.attempt, 0, message).await
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, parse_retry_after};
    use crate::http::options::RetryOptions;
    use std::time::Duration;
    use time::macros::datetime;

    #[test]
    fn backoff_doubles_within_its_cap_and_keeps_half() {
        let options = RetryOptions {
            max_attempts: 6,
            base_delay_ms: 100,
            max_delay_ms: 1_000,
        };
        for _ in 0..50 {
            let first = backoff(&options, 1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let third = backoff(&options, 3);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third));
            let tenth = backoff(&options, 10);
            assert!((Duration::from_millis(500)..=Duration::from_millis(1_000)).contains(&tenth));
        }
        let none = RetryOptions {
            base_delay_ms: 0,
            ..options
        };
        assert_eq!(backoff(&none, 4), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let now = datetime!(2026-12-01 10:00:00 UTC);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Tue, 01 Dec 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Tue, 01 Dec 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        // Hostile values are no delay at all, never a panic.
        assert_eq!(parse_retry_after("1e300", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("inf", now), None);
    }
}
