//! `treasury login` for a provider where the account holder consents in a browser: the
//! authorization-code flow (listener or pasted address), the code exchange, one verifying
//! request, then the refresh token stored. Any failure stores no login, and a consent the bank
//! created for it is deleted there (or recorded for `logout` when the bank cannot be asked).

use std::path::Path;
use std::time::Duration;

use crate::bank::provider::ConsentLogin;
use crate::bank::Bank;
use crate::cli::LoginArgs;
use crate::commands::Context;
use crate::config::{AuthMode, Profile};
use crate::credentials::login::Renewal;
use crate::credentials::{self, keyring, Access, Store};
use crate::error::{Error, Outcome, Result};
use crate::http::{Http, TlsSettings};
use crate::oauth::authcode::{self, Attempt, BrowserLogin, TokenSet};
use crate::oauth::browser;
use crate::oauth::loopback::{self, Listener};
use crate::secret::Secret;

/// The provider's part of a browser login: its endpoints, and the consent it creates first
/// (open banking), if any.
pub struct Flow {
    pub endpoints: fn(&Profile) -> Result<BrowserLogin>,
    pub consent: Option<ConsentLogin>,
}

pub async fn run(
    ctx: &mut Context<'_>,
    args: &LoginArgs,
    profile: &Profile,
    path: &Path,
    flow: Flow,
    store: Store,
) -> Result<Outcome> {
    let mut profile = profile.clone();
    if let Some(timeout) = ctx.settings.timeout {
        profile.timeout = timeout;
    }
    let given = client_secret(ctx, args, &profile)?;
    let login = (flow.endpoints)(&profile)?;
    let mut attempt = Attempt::new(&login)?;
    let mut consented = None;
    if let Some(consent) = flow.consent {
        let created = (consent.prepare)(&profile, ctx.retry_policy(), &login, &attempt).await?;
        attempt = attempt.opening(created.url.clone());
        consented = Some(created);
    }
    let nonce = consented.as_ref().and_then(|c| c.nonce.as_ref());
    let finished = finish(ctx, args, &profile, (&login, &attempt), nonce).await;
    let stored = finished.and_then(|renewal| {
        save(&store, &profile.name, &renewal, given.as_ref())?;
        Ok(renewal)
    });
    let renewal = match stored {
        Ok(renewal) => renewal,
        Err(e) => {
            // A consent the bank created is deleted there, or recorded for logout.
            if let Some(consent) = consented {
                ctx.term.warn(&(consent.discard)().await);
            }
            return Err(e);
        }
    };
    ctx.term.note(&summary(
        &profile.name,
        path,
        &store,
        &renewal,
        args.no_verify,
    ));
    if given.is_some() {
        ctx.term.note(&format!(
            "The client secret of profile '{}' is stored beside the login ({}).",
            profile.name,
            store.name()
        ));
    }
    if let Some(consent) = consented {
        ctx.term.note(&(consent.keep)().await?);
    }
    Ok(Outcome::Complete)
}

/// From the browser to tokens: where it landed, the code exchanged, the login verified with
/// one request. Nothing is stored here.
async fn finish(
    ctx: &Context<'_>,
    args: &LoginArgs,
    profile: &Profile,
    (login, attempt): (&BrowserLogin, &Attempt),
    nonce: Option<&Secret>,
) -> Result<Renewal> {
    let landing = landing(ctx, args, login, attempt).await?;
    let code = attempt.code_from(&landing)?;
    check_nonce(landed_id_token(&landing).as_deref(), nonce)?;
    let tls = TlsSettings::load(profile.ca_cert.as_deref(), client_cert(profile))?;
    let http = Http::new(profile.timeout, ctx.retry_policy(), &tls)?;
    let tokens = authcode::exchange(&http, login, &code, &attempt.verifier)
        .await?
        .map_err(|r| {
            if let Some(err) = r.client_refused(&profile.name) {
                return err;
            }
            Error::auth(
                format!(
                    "login failed: the token endpoint refused the authorization code ({}: {}, HTTP {}); nothing was stored",
                    r.error.as_deref().unwrap_or("no error code"),
                    r.description,
                    r.status
                ),
                "run 'treasury login' again; check client_id and redirect_uri of the profile",
            )
        })?;
    check_nonce(tokens.id_token.as_ref().map(Secret::expose), nonce)?;
    let renewal = renewal(tokens, &profile.name)?;
    if !args.no_verify {
        let access = Access::Token(renewal.access_token.clone());
        Bank::connect(profile, access, ctx.retry_policy(), Default::default())?
            .verify()
            .await?;
    }
    Ok(renewal)
}

/// An ID token that came back must carry the `nonce` of this login's authorization request.
fn check_nonce(id_token: Option<&str>, nonce: Option<&Secret>) -> Result<()> {
    let (Some(id_token), Some(nonce)) = (id_token, nonce) else {
        return Ok(());
    };
    match crate::oauth::fapi::nonce_matches(id_token, nonce.expose()) {
        true => Ok(()),
        false => Err(Error::auth(
            "login failed: the bank's ID token does not carry this login's nonce (a replayed or substituted answer); nothing was stored",
            "run 'treasury login' again; if it persists, ask the bank why its ID token names another nonce",
        )),
    }
}

/// The `id_token` of a landing address (hybrid flow, in the query or the fragment), if any.
fn landed_id_token(landing: &str) -> Option<String> {
    let rest = landing.split_once('?').map_or(landing, |(_, q)| q);
    rest.split(['&', '#'])
        .find_map(|pair| pair.strip_prefix("id_token="))
        .map(|v| v.to_string())
}

/// A client authenticated by mutual TLS presents its certificate at the token endpoint too.
fn client_cert(profile: &Profile) -> Option<(&Path, &Path)> {
    match (profile.auth, &profile.cert, &profile.key) {
        (AuthMode::Mtls, Some(cert), Some(key)) => Some((cert.as_path(), key.as_path())),
        _ => None,
    }
}

/// Where the browser landed: the redirect caught on the loopback port, or pasted on stdin
/// (with `--no-browser`, or a redirect to a host that is not this machine's loopback).
async fn landing(
    ctx: &Context<'_>,
    args: &LoginArgs,
    login: &BrowserLogin,
    attempt: &Attempt,
) -> Result<String> {
    let addr = match args.no_browser {
        true => None,
        false => loopback::loopback_addr(&login.redirect_uri),
    };
    let listener = match addr {
        Some(addr) => Some(Listener::bind(addr, &login.redirect_uri).await?),
        None => None,
    };
    ctx.term.instruct(&format!(
        "Open this address in a browser, sign in to the bank and choose the accounts to share:\n  {}",
        attempt.url
    ));
    let Some(listener) = listener else {
        ctx.term
            .instruct("Then paste the address the browser landed on (or just its code) here:");
        return ctx
            .term
            .read_stdin_line()
            .map_err(|e| Error::usage(format!("cannot read the address: {e}")));
    };
    if browser::open(&attempt.url).await == browser::Opened::Failed {
        ctx.term
            .instruct("could not open a browser; open the address above");
    }
    let wait = Duration::from_secs(args.wait);
    ctx.term.note(&format!(
        "Waiting up to {} s for the browser to come back to {}",
        wait.as_secs(),
        login.redirect_uri
    ));
    listener.wait(wait, &attempt.state).await
}

fn renewal(tokens: TokenSet, profile: &str) -> Result<Renewal> {
    let refresh_token = tokens.refresh_token.ok_or_else(|| {
        Error::auth(
            "login failed: the token endpoint gave no refresh token, so the login could not last; nothing was stored",
            format!("check with the bank that the app may get refresh tokens, then run 'treasury login -p {profile}'"),
        )
    })?;
    Ok(Renewal {
        refresh_token,
        refresh_expires_at: tokens.refresh_expires_at,
        access_token: tokens.access_token,
        access_expires_at: tokens.expires_at,
    })
}

/// The client secret a `client-secret` profile's token requests need, when the login must take
/// it (from `--client-secret-stdin`, else a prompt when the secret chain has none): handed to
/// the chain for this run, and stored with the login.
fn client_secret(ctx: &Context, args: &LoginArgs, profile: &Profile) -> Result<Option<Secret>> {
    if profile.auth != AuthMode::ClientSecret {
        return Ok(None);
    }
    if !args.client_secret_stdin && credentials::has_secret(profile)? {
        return Ok(None);
    }
    if !args.client_secret_stdin && !ctx.term.can_prompt() {
        return Err(Error::usage_hint(
            format!(
                "profile '{}' authenticates with a client secret (auth = \"client-secret\"), and none was found",
                profile.name
            ),
            format!(
                "pipe it in with 'treasury login -p {} --client-secret-stdin', or set {} or client_secret_command",
                profile.name,
                credentials::CLIENT_SECRET_ENV
            ),
        ));
    }
    let secret = super::login::read_secret(ctx, args, "client secret")?;
    credentials::give_secret(&profile.name, secret.clone());
    Ok(Some(secret))
}

fn save(store: &Store, profile: &str, renewal: &Renewal, secret: Option<&Secret>) -> Result<()> {
    let held = credentials::lock::lock()?;
    store.save_login(&held, profile, renewal, secret)?;
    if *store != Store::Keyring {
        // The keyring comes first in the chain: an older login there would hide this one.
        let _ = keyring::delete(&credentials::login::refresh_entry(profile));
        let _ = keyring::delete(&credentials::token_entry(profile));
        if secret.is_some() {
            let _ = keyring::delete(profile);
        }
    }
    Ok(())
}

fn summary(name: &str, path: &Path, store: &Store, renewal: &Renewal, unverified: bool) -> String {
    let kept = match store {
        Store::Keyring => "refresh token in the OS keyring".to_string(),
        Store::File(file) => format!("refresh token in {}", file.display()),
    };
    let when = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    let ends = renewal.refresh_expires_at.map_or_else(
        || "the bank did not say when the login ends".to_string(),
        |at| format!("login valid until {}", when(at)),
    );
    let verified = match unverified {
        true => "not verified (--no-verify)",
        false => "verified",
    };
    format!(
        "Logged in as profile '{name}' ({}): {kept}; {verified}; access token valid until {}, {ends}.",
        path.display(),
        when(renewal.access_expires_at)
    )
}
