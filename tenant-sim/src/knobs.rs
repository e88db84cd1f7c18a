//! Knobs: behaviour tests can change while the tenant runs.

use std::sync::Mutex;
use std::time::Duration;

use crate::faults::rules::{Fault, FaultRule, RateLimit};
use crate::service::Service;

/// What the simulated user does with a device code they were shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceCodeApproval {
    /// The user signs in and approves before the first poll.
    Approve,
    /// The first `n` polls answer `authorization_pending`; then the user approves.
    ApproveAfterPolls(u32),
    /// The user refuses ("No, cancel"): polls answer `authorization_declined`.
    Decline,
    /// Nothing happens until a test calls `Tenant::approve_device_code` or `decline_device_code`.
    Manual,
}

/// What the simulated user answers on Entra's consent prompt, when one is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentAnswer {
    /// Accept for themselves only (Entra's default: "Consent on behalf of your organization" unticked):
    /// a `Principal` grant.
    AcceptForSelf,
    /// Accept on behalf of the organisation (administrators only; others accept for themselves):
    /// an `AllPrincipals` grant.
    AcceptForOrganization,
    /// Cancel the prompt (AADSTS65004).
    Decline,
}

/// A user sign-in the token endpoint refuses, with the error Entra answers when a policy stands in
/// the way (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>). Set
/// [`KnobSettings::sign_in_refusal`] to one to make every delegated token request (authorization code,
/// refresh token, device code once approved) fail with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// AADSTS50076: multi-factor authentication is required (`invalid_grant`, suberror `basic_action`).
    MfaRequired,
    /// AADSTS50079: the user must register for multi-factor authentication (`interaction_required`,
    /// suberror `basic_action`).
    MfaRegistrationRequired,
    /// AADSTS53003: Conditional Access blocks the sign-in (`invalid_grant`, suberror `message_only`).
    BlockedByConditionalAccess,
    /// AADSTS530003: the device must be managed (`invalid_grant`).
    ManagedDeviceRequired,
    /// AADSTS50158: an external security challenge was not satisfied (`interaction_required`).
    ExternalChallengeRequired,
}

impl SignInRefusal {
    /// The AADSTS number.
    pub fn code(self) -> u32 {
        match self {
            SignInRefusal::MfaRequired => 50076,
            SignInRefusal::MfaRegistrationRequired => 50079,
            SignInRefusal::BlockedByConditionalAccess => 53003,
            SignInRefusal::ManagedDeviceRequired => 530003,
            SignInRefusal::ExternalChallengeRequired => 50158,
        }
    }
}

/// The knob values. Change them through [`Knobs::update`].
#[derive(Clone, Debug, PartialEq)]
pub struct KnobSettings {
    /// Added to every request on every service before it is handled (simulated server latency).
    pub latency: Duration,
    /// The user who signs in interactively (device code, authorize, admin consent), by user principal
    /// name. `None`: the seeded Global Administrator.
    pub sign_in_user: Option<String>,
    /// The answer to consent prompts.
    pub consent_answer: ConsentAnswer,
    /// What happens to device codes.
    pub device_code_approval: DeviceCodeApproval,
    /// The polling interval advertised by `devicecode` in seconds (Entra: 5). Polls closer together than
    /// this get `slow_down`; 0 turns that check off so tests can poll quickly.
    pub device_code_interval_secs: u64,
    /// How long a device code lives (Entra: 900 s).
    pub device_code_lifetime: Duration,
    /// How long an authorization code lives (Entra: about 10 minutes).
    pub authorization_code_lifetime: Duration,
    /// How long an access token lives.
    pub access_token_lifetime: Duration,
    /// How long a refresh token lives.
    pub refresh_token_lifetime: Duration,
    /// Directory replication lag: an object created less than this long ago is invisible to every call
    /// other than the one that created it, as Entra's eventually consistent replicas behave (zero: off).
    /// <https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/>
    pub replication_lag: Duration,
    /// Injected faults, first match wins: e.g. the next 2 POSTs to `/v1.0/servicePrincipals` get 429
    /// (see [`FaultRule`]). Rules made with [`FaultRule::next`] are removed once used up.
    pub faults: Vec<FaultRule>,
    /// Throttling by rate, per service (see [`RateLimit`]).
    pub rate_limits: Vec<RateLimit>,
    /// Refuse every user sign-in at the token endpoint with this Entra error (`None`: sign-ins pass).
    /// Errors that depend on the directory (consent, unknown tenant) are not knobs: they follow from
    /// its state.
    pub sign_in_refusal: Option<SignInRefusal>,
    /// The seed of the random draws of fault rules made with [`FaultRule::sometimes`]: the same seed and the
    /// same requests give the same faults, so a failing run can be replayed.
    pub fault_seed: u64,
}

impl Default for KnobSettings {
    fn default() -> Self {
        KnobSettings {
            latency: Duration::ZERO,
            sign_in_user: None,
            consent_answer: ConsentAnswer::AcceptForSelf,
            device_code_approval: DeviceCodeApproval::Approve,
            device_code_interval_secs: 5,
            device_code_lifetime: Duration::from_secs(900),
            authorization_code_lifetime: Duration::from_secs(600),
            access_token_lifetime: Duration::from_secs(3599),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            replication_lag: Duration::ZERO,
            faults: Vec::new(),
            rate_limits: Vec::new(),
            sign_in_refusal: None,
            fault_seed: 0,
        }
    }
}

/// The tenant's knobs, shared by all services.
#[derive(Debug, Default)]
pub struct Knobs {
    settings: Mutex<KnobSettings>,
    /// The random state of [`FaultRule::sometimes`] draws: the seed it was started from, and where it is.
    draws: Mutex<(u64, u64)>,
}

impl Knobs {
    /// Knobs with the given initial values.
    pub fn new(settings: KnobSettings) -> Self {
        let seed = settings.fault_seed;
        Knobs {
            settings: Mutex::new(settings),
            draws: Mutex::new((seed, seed)),
        }
    }

    /// A copy of the current values.
    pub fn get(&self) -> KnobSettings {
        self.settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Changes values: `tenant.knobs().update(|k| k.latency = Duration::from_millis(50))`.
    pub fn update(&self, change: impl FnOnce(&mut KnobSettings)) {
        let mut settings = self
            .settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut settings);
    }

    /// The fault of the first rule matching a request whose fault is `eligible`, using up one of its
    /// `remaining` requests (and removing the rule when none are left).
    pub(crate) fn take_fault(
        &self,
        service: Service,
        method: &str,
        path: &str,
        eligible: impl Fn(Fault) -> bool,
    ) -> Option<Fault> {
        let mut settings = self
            .settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seed = settings.fault_seed;
        let index = settings.faults.iter().position(|rule| {
            rule.remaining != Some(0)
                && eligible(rule.fault)
                && rule.matches(service, method, path)
                && rule
                    .percent
                    .is_none_or(|percent| self.draw(seed) < u64::from(percent))
        })?;
        let rule = &mut settings.faults[index];
        let fault = rule.fault;
        if let Some(remaining) = rule.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                settings.faults.remove(index);
            }
        }
        Some(fault)
    }

    /// A draw in `0..100` from the seeded sequence (SplitMix64), restarted when the seed changes.
    fn draw(&self, seed: u64) -> u64 {
        let mut draws = self
            .draws
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if draws.0 != seed {
            *draws = (seed, seed);
        }
        draws.1 = draws.1.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = draws.1;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % 100
    }
}
