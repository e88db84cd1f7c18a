//! The `authenticate` operation, the console's "Log in to Azure": an administrator signs in interactively
//! (device code or browser), the connector learns the tenant and who signed in, and says early what they
//! will not be able to do.
//!
//! "One directory" signs in to `organizations` and takes the tenant from the ID token's `tid`; "several"
//! (and manual configuration) signs in to the typed tenant id.

pub mod account;
pub mod capability;

use serde_json::{Value, json};

use crate::auth::authority::Authority;
use crate::auth::delegated::DelegatedTokens;
use crate::auth::flow::SignInFlow;
use crate::auth::id_token::read_id_token;
use crate::auth::scopes::sign_in_scopes;
use crate::auth::{browser, device_code};
use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, LogLevel};
use crate::http::{NetworkOptions, SignInOptions};
use crate::network::{Network, SignedIn, Target};
use crate::result::Warning;
use crate::settings::{SettingChoice, Settings, SignInMethod, TenantMode};
use crate::sign_in::account::read_account;
use crate::sign_in::capability::capabilities;

/// The tenant part of the sign-in authority: the typed tenant id when there is one ("several", or manual
/// configuration), else `organizations`.
fn tenant_of(settings: &Settings) -> &str {
    match settings.tenant_mode() {
        Some(TenantMode::One) => "organizations",
        _ => settings.tenant_id().unwrap_or("organizations"),
    }
}

/// Signs the administrator in and keeps the sign-in in `network`. Returns `data` of the result and a
/// warning per step the administrator will not be able to do.
pub async fn authenticate(
    call: &Call<'_>,
    network: &mut Network,
    settings: &Settings,
    options: &NetworkOptions,
    sign_in_options: &SignInOptions,
) -> Result<(Value, Vec<Warning>), Error> {
    let target = Target::of(settings);
    let http = network.client(&target, options)?;
    let endpoints = &target.endpoints;
    let authority = Authority::new(&endpoints.authority_host, tenant_of(settings));
    let client_id = settings.client_id().to_owned();
    let scopes = sign_in_scopes(endpoints.graph_resource);
    let method = settings.sign_in_method();
    let flow = SignInFlow {
        http: &http,
        authority: &authority,
        client_id: &client_id,
        scopes: &scopes,
        cloud: endpoints.cloud.name(),
        options: sign_in_options,
    };
    let answer = match method {
        SignInMethod::DeviceCode => device_code::sign_in(call, &flow).await?,
        SignInMethod::Browser => browser::sign_in(call, &flow).await?,
    };
    let Some(id_token) = &answer.id_token else {
        return Err(Error::new(
            ErrorKind::ServiceError,
            "Microsoft Entra ID signed the administrator in but returned no ID token, so the tenant is unknown.",
        )
        .with_hint("Run Log in to Azure again; check that the authority endpoint is Entra ID's."));
    };
    let claims = read_id_token(id_token, &client_id)?;
    if authority.tenant() != "organizations"
        && !authority.tenant().eq_ignore_ascii_case(&claims.tid)
    {
        return Err(Error::new(
            ErrorKind::SignInFailed,
            format!(
                "The account signed in to the tenant {}, not to the tenant {} the settings name.",
                claims.tid,
                authority.tenant()
            ),
        )
        .with_hint("Sign in with an account of the tenant in the settings."));
    }
    let granted = answer.access_token.scope.clone();
    let tokens = tokio::sync::Mutex::new(DelegatedTokens::new(
        authority.for_tenant(&claims.tid),
        &client_id,
        &scopes,
        endpoints.cloud.name(),
        answer,
    ));
    let graph = crate::graph::Graph::new(&http, endpoints.graph_v1(), &tokens);
    let account = read_account(call, &graph).await?;
    call.emit(EventBody::Log {
        level: LogLevel::Info,
        message: format!(
            "Signed in as {} to {} ({}).",
            account.user.user_principal_name, account.tenant.display_name, account.tenant.id
        ),
    });
    let (can, warnings) = capabilities(&account);
    let data = json!({
        "tenant": account.tenant,
        "user": account.user,
        "can": can,
        "sign_in": {
            "method": method.value(),
            "client_id": client_id,
            "authority": authority.url(),
            "scopes": granted.split_whitespace().collect::<Vec<_>>(),
        },
    });
    network.sign_in(SignedIn {
        target,
        client_id,
        tenant_id: claims.tid,
        account,
        tokens,
        written: std::sync::Mutex::default(),
    });
    Ok((data, warnings))
}
