//! The network bounds a host may set in the session options (`network`), with the defaults a console
//! uses against the real services. Tests set small ones so that waits take milliseconds.

use std::time::Duration;

use serde::Deserialize;

/// `network` in the session options: timeouts, the retry policy and the size of answers.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkOptions {
    /// How long one request may take, from connecting to the last byte of the answer (default 30 s).
    pub request_timeout_ms: u64,
    /// How long connecting (TCP and TLS) may take (default 10 s).
    pub connect_timeout_ms: u64,
    /// The largest answer the connector reads; a larger one is an error (default 4 MiB).
    pub max_response_bytes: u64,
    /// How throttling and transient failures are retried.
    pub retry: RetryOptions,
    /// How long the connector waits, in all, for the directory to catch up: replication of new objects, and
    /// new credentials, roles and consents reaching tokens (default 120 s).
    pub consistency_wait_ms: u64,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            request_timeout_ms: 30_000,
            connect_timeout_ms: 10_000,
            max_response_bytes: 4 * 1024 * 1024,
            retry: RetryOptions::default(),
            consistency_wait_ms: 120_000,
        }
    }
}

/// `network.retry` in the session options.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryOptions {
    /// Attempts of one request in all, the first included (default 6; 1 turns retries off).
    pub max_attempts: u32,
    /// The first backoff delay; each later one doubles, with full jitter (default 500 ms).
    pub base_delay_ms: u64,
    /// The longest single wait. A service asking (`Retry-After`) for longer than this ends the call with
    /// `TIMEOUT` instead of waiting (default 60 s).
    pub max_delay_ms: u64,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            max_attempts: 6,
            base_delay_ms: 500,
            max_delay_ms: 60_000,
        }
    }
}

impl NetworkOptions {
    /// Checks the values' ranges; the message names the member.
    pub fn check(&self) -> Result<(), String> {
        let ranges: [(&str, u64, u64, u64); 6] = [
            (
                "network.request_timeout_ms",
                self.request_timeout_ms,
                1,
                600_000,
            ),
            (
                "network.connect_timeout_ms",
                self.connect_timeout_ms,
                1,
                600_000,
            ),
            (
                "network.max_response_bytes",
                self.max_response_bytes,
                1024,
                1 << 30,
            ),
            (
                "network.consistency_wait_ms",
                self.consistency_wait_ms,
                0,
                3_600_000,
            ),
            (
                "network.retry.base_delay_ms",
                self.retry.base_delay_ms,
                0,
                600_000,
            ),
            (
                "network.retry.max_delay_ms",
                self.retry.max_delay_ms,
                0,
                3_600_000,
            ),
        ];
        for (name, value, min, max) in ranges {
            if value < min || value > max {
                return Err(format!(
                    "{name} must be between {min} and {max}; it is {value}."
                ));
            }
        }
        if !(1..=100).contains(&self.retry.max_attempts) {
            return Err(format!(
                "network.retry.max_attempts must be between 1 and 100; it is {}.",
                self.retry.max_attempts
            ));
        }
        Ok(())
    }

    /// One request's time limit.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// The connect time limit.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    /// The bound on waiting for the directory to catch up.
    pub fn consistency_wait(&self) -> Duration {
        Duration::from_millis(self.consistency_wait_ms)
    }
}

/// `sign_in` in the session options.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignInOptions {
    /// Whether the connector opens the system browser for the browser sign-in and browser admin consent
    /// (default `true`). A host that opens the URL itself (from the `sign_in_prompt` event) sets `false`.
    pub open_browser: bool,
    /// How long the connector waits for the administrator to finish signing in (default 15 minutes; a
    /// device code's own expiry ends the wait earlier).
    pub timeout_ms: u64,
}

impl Default for SignInOptions {
    fn default() -> Self {
        SignInOptions {
            open_browser: true,
            timeout_ms: 15 * 60 * 1000,
        }
    }
}

impl SignInOptions {
    /// The bound on waiting for the administrator.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::NetworkOptions;

    #[test]
    fn defaults_pass_and_out_of_range_values_are_named() {
        assert_eq!(NetworkOptions::default().check(), Ok(()));
        let options: NetworkOptions =
            serde_json::from_str(r#"{"retry":{"max_attempts":0}}"#).unwrap();
        assert!(
            options
                .check()
                .unwrap_err()
                .contains("network.retry.max_attempts")
        );
        let options: NetworkOptions = serde_json::from_str(r#"{"request_timeout_ms":0}"#).unwrap();
        assert!(options.check().unwrap_err().contains("request_timeout_ms"));
        assert!(serde_json::from_str::<NetworkOptions>(r#"{"retries":3}"#).is_err());
    }
}
