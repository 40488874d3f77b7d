//! `treasury login`: gather the profile's settings and secret, verify them with one request,
//! then save them. A failed verification saves nothing.

use crate::bank::provider::LoginKind;
use crate::bank::{self, Bank};
use crate::cli::{LoginArgs, StoreKind};
use crate::commands::Context;
use crate::config::{self, AuthMode, ConfigFile, Profile, ProfileFile, ProfileUpdate};
use crate::credentials::{self, keyring, Access, KeyringError, Source, Store};
use crate::error::{Error, Outcome, Result};
use crate::secret::Secret;

pub async fn run(ctx: &mut Context<'_>, args: &LoginArgs) -> Result<Outcome> {
    ctx.refuse_sandbox("login")?;
    let (file, path, name) = ctx.config_and_name()?;
    let store = match args.store {
        StoreKind::Keyring => Store::Keyring,
        StoreKind::File => Store::File(config::credentials_path()?),
    };
    let (endpoints, consent) = match crate::bank::provider_of_named(&file, &name)?.login {
        LoginKind::Browser(endpoints) => (Some(endpoints), None),
        LoginKind::Consent(consent) => (Some(consent.endpoints), Some(consent)),
        LoginKind::ClientCredentials => (None, None),
    };
    if let Some(endpoints) = endpoints {
        refuse_secret_flags(args, &name)?;
        let profile = crate::bank::resolve(&file, &name, &path)?;
        if args.client_secret_stdin && profile.auth != AuthMode::ClientSecret {
            return Err(Error::usage_hint(
                format!(
                    "--client-secret-stdin does not apply to profile '{name}', which authenticates with auth = \"{}\"",
                    profile.auth.name()
                ),
                format!("drop it, or set auth = \"client-secret\" under [profiles.{name}]"),
            ));
        }
        check_browser_store(&store, &name)?;
        let flow = super::browser_login::Flow { endpoints, consent };
        let outcome = super::browser_login::run(ctx, args, &profile, &path, flow, store)
            .await
            .map_err(|e| e.for_profile(&name))?;
        forget_accounts(ctx, &name);
        return Ok(outcome);
    }
    let existing = file.profiles.get(&name).cloned().unwrap_or_default();
    // Probed before any question or secret is asked for: a machine without a keyring learns
    // that first, not after typing everything in.
    let auth = args
        .auth
        .or(existing.auth)
        .unwrap_or(AuthMode::ClientSecret);
    if auth == AuthMode::ClientSecret {
        check_store(&store, &name)?;
    }
    let update = settings(ctx, args, &existing)?;
    let mut raw = existing;
    update.apply(&mut raw);
    let trial = ConfigFile {
        profiles: [(name.clone(), raw)].into(),
        ..ConfigFile::default()
    };
    let profile = crate::bank::resolve(&trial, &name, &path)?;
    let (access, secret) = match profile.auth {
        AuthMode::ClientSecret => {
            let secret = read_secret(ctx, args, secret_label(&profile))?;
            let access = Access::ClientSecret {
                client_id: credentials::client_id(&profile)?,
                secret: secret.clone(),
                source: Source::Keyring,
                cache: None,
            };
            (access, Some(secret))
        }
        _ => (credentials::key_access(&profile)?, None),
    };
    let token = match args.no_verify {
        true => None,
        false => {
            Bank::connect(&profile, access, ctx.retry_policy(), verifying())?
                .verify()
                .await?
        }
    };
    if let Some(secret) = &secret {
        store.save_secret(&name, secret)?;
        if store != Store::Keyring {
            // The keyring comes first in the chain: an older secret there would hide this one.
            let _ = keyring::delete(&name);
            let _ = keyring::delete(&credentials::token_entry(&name));
        }
        if let Some(token) = &token {
            store.save_token(&name, &token.token, token.expires_at);
        }
    }
    config::save_profile(&path, &name, &update)?;
    let kept = match (&secret, &store) {
        (None, _) => "no secret to store".to_string(),
        (Some(_), Store::Keyring) => format!("{} in the OS keyring", secret_label(&profile)),
        (Some(_), Store::File(file)) => {
            format!("{} in {}", secret_label(&profile), file.display())
        }
    };
    let verified = match (args.no_verify, &token) {
        (true, _) => "not verified (--no-verify)".to_string(),
        (false, Some(token)) => format!(
            "verified; token valid until {}",
            token.expires_at.format("%Y-%m-%d %H:%M UTC")
        ),
        (false, None) => "verified".to_string(),
    };
    ctx.term.note(&format!(
        "Logged in as profile '{name}' ({}): {kept}; {verified}.",
        path.display()
    ));
    forget_accounts(ctx, &name);
    Ok(Outcome::Complete)
}

/// A new login may see other accounts than the last: the cached list goes, and the next
/// `accounts` or `balances` asks the bank. A cache that cannot be removed only warns.
fn forget_accounts(ctx: &Context, profile: &str) {
    let Ok(cache) = config::account_cache_path(profile) else {
        return;
    };
    match std::fs::remove_file(&cache) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => ctx.term.warn(&format!(
            "cannot remove the account cache {} of the earlier login: {e}",
            cache.display()
        )),
        _ => {}
    }
}

/// The settings from the flags, asking on the terminal for what is missing and needed: the
/// provider's `login_settings` hook decides which. A new profile names the provider it is for.
fn settings(ctx: &Context, args: &LoginArgs, existing: &ProfileFile) -> Result<ProfileUpdate> {
    let named = args.provider.clone().or(existing.provider.clone());
    let provider = match existing.provider {
        None => Some(named.clone().unwrap_or(bank::DEFAULT_PROVIDER.to_string())),
        Some(_) => args.provider.clone(),
    };
    let wanted = named.as_deref().unwrap_or(bank::DEFAULT_PROVIDER);
    // An unknown name is refused by config::resolve, naming the known ones.
    let Some(hook) = bank::spec(wanted).and_then(|spec| spec.login_settings) else {
        return Ok(ProfileUpdate {
            provider: named,
            ..ProfileUpdate::default()
        });
    };
    let given = ProfileUpdate {
        provider,
        environment: args.environment,
        base_url: args.base_url.clone(),
        auth: args.auth,
        token_url: args.token_url.clone(),
        client_id: args.client_id.clone(),
        scope: args.scope.clone(),
        resource: args.resource.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        provider_keys: args
            .provider_keys()
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
    };
    hook(given, existing, &|label, flag| ask(ctx, label, flag))
}

fn ask(ctx: &Context, label: &str, flag: &str) -> Result<String> {
    if !ctx.term.can_prompt() {
        return Err(Error::usage_hint(
            format!("login needs {flag}, and there is no terminal to ask on"),
            format!("pass {flag}"),
        ));
    }
    let answer = ctx
        .term
        .prompt(label, None)
        .map_err(|e| Error::usage(format!("cannot read the answer: {e}")))?;
    if answer.is_empty() {
        return Err(Error::usage_hint(
            format!("no answer for '{label}'"),
            format!("pass {flag}"),
        ));
    }
    Ok(answer)
}

/// What the provider calls the secret that goes through the secret chain.
fn secret_label(profile: &Profile) -> &'static str {
    bank::spec_of(profile).map_or("client secret", |spec| spec.secret_label)
}

pub(super) fn read_secret(ctx: &Context, args: &LoginArgs, label: &str) -> Result<Secret> {
    let secret = if args.client_secret_stdin {
        ctx.term.read_stdin_line()
    } else if ctx.term.can_prompt() {
        ctx.term.prompt_secret(&capitalized(label))
    } else {
        return Err(Error::usage_hint(
            format!("login needs the {label}, and there is no terminal to ask on"),
            "pipe it in with --client-secret-stdin",
        ));
    };
    let secret = secret.map_err(|e| Error::usage(format!("cannot read the {label}: {e}")))?;
    if secret.trim().is_empty() {
        return Err(Error::usage_hint(
            format!("the {label} is empty"),
            "give the secret on stdin or at the prompt",
        ));
    }
    Ok(Secret::new(secret.trim()))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A browser login reads its settings from the profile; the client-credentials flags would be
/// silently ignored, so they are refused by name.
fn refuse_secret_flags(args: &LoginArgs, profile: &str) -> Result<()> {
    let given = [
        ("--client-id", args.client_id.is_some()),
        ("--token-url", args.token_url.is_some()),
        ("--base-url", args.base_url.is_some()),
        ("--environment", args.environment.is_some()),
        ("--auth", args.auth.is_some()),
        ("--cert", args.cert.is_some()),
        ("--key", args.key.is_some()),
        ("--scope", args.scope.is_some()),
        ("--resource", args.resource.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        None => Ok(()),
        Some((flag, _)) => Err(Error::usage_hint(
            format!("{flag} does not apply to profile '{profile}', which logs in through the browser"),
            format!("set client_id, redirect_uri and the URLs under [profiles.{profile}] in the config file, then run 'treasury login -p {profile}'"),
        )),
    }
}

/// `check_store` for a browser login, which no environment variable can stand in for: the
/// way out is the credentials file alone.
fn check_browser_store(store: &Store, profile: &str) -> Result<()> {
    check_store(store, profile).map_err(|e| match e {
        Error::Auth { message, hint } if hint.as_deref().is_some_and(|h| h.contains(crate::env::CLIENT_SECRET)) => Error::auth(
            message,
            format!("on a machine without a keyring use 'treasury login -p {profile} --store file' (an owner-only file)"),
        ),
        other => other,
    })
}

/// Refuses, before anything is sent, to log in to a keyring this machine does not have.
pub(super) fn check_store(store: &Store, profile: &str) -> Result<()> {
    if *store != Store::Keyring {
        return Ok(());
    }
    match keyring::probe() {
        Ok(()) => Ok(()),
        Err(e @ KeyringError::Unavailable(_)) => Err(Error::auth(
            e.to_string(),
            credentials::no_keyring_hint(profile),
        )),
        Err(e) => Err(Error::auth(e.to_string(), "try again, or use --store file")),
    }
}

/// The connection options of a login's verifying request.
fn verifying() -> crate::bank::provider::Options {
    crate::bank::provider::Options {
        login: true,
        ..Default::default()
    }
}
