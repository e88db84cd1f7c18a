//! The fixed windows of the `rate_limits` knob: when each window started and how many requests it let
//! through. One [`RateWindows`] belongs to each service's fault layer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::faults::rules::RateLimit;
use crate::service::Service;

/// A rate limit's identity: its service, allowance and window.
type RateKey = (Service, u32, Duration);

/// The open windows of the rate limits a service has seen.
#[derive(Debug, Default)]
pub(crate) struct RateWindows {
    windows: Mutex<HashMap<RateKey, (Instant, u32)>>,
}

impl RateWindows {
    /// Counts a request against `limit`; returns the `Retry-After` seconds when it is over.
    pub(crate) fn admit(&self, limit: &RateLimit, now: Instant) -> Option<u64> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (limit.service, limit.max_requests, limit.window);
        let (start, count) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= limit.window {
            *start = now;
            *count = 0;
        }
        if *count < limit.max_requests {
            *count += 1;
            return None;
        }
        let left = limit.window.saturating_sub(now.duration_since(*start));
        let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Some(seconds.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_windows_admit_up_to_the_limit_then_name_the_seconds_left() {
        let windows = RateWindows::default();
        let limit = RateLimit {
            service: Service::Graph,
            max_requests: 2,
            window: Duration::from_millis(2500),
        };
        let start = Instant::now();
        assert_eq!(windows.admit(&limit, start), None);
        assert_eq!(windows.admit(&limit, start), None);
        assert_eq!(windows.admit(&limit, start), Some(3));
        assert_eq!(
            windows.admit(&limit, start + Duration::from_millis(2000)),
            Some(1)
        );
        assert_eq!(
            windows.admit(&limit, start + Duration::from_millis(2500)),
            None
        );
    }
}
