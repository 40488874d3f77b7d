//! `treasury position`'s network part: every chosen profile fetched at once, each with its own
//! credentials, retries and timeouts; a profile that fails becomes a failed part, not an error.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::bank::{Bank, Spec};
use crate::commands::{record, Context};
use crate::config::Profile;
use crate::credentials;
use crate::error::{Error, Outcome, Result};
use crate::position::ProfilePart;
use crate::query::{AccountBook, AccountList, BalanceRequest};

/// One profile to fetch: its name, provider, configured settings (none in the sandbox), and
/// the requests planned for it.
pub struct Chosen {
    pub name: String,
    pub provider: &'static Spec,
    pub profile: Option<Profile>,
    pub book: AccountBook,
    pub accounts: AccountList,
    pub requests: Vec<BalanceRequest>,
}

impl Chosen {
    pub fn new(
        name: String,
        provider: &'static Spec,
        profile: Option<Profile>,
        book: AccountBook,
    ) -> Chosen {
        Chosen {
            name,
            provider,
            profile,
            book,
            accounts: AccountList::from(Vec::new()),
            requests: Vec::new(),
        }
    }
}

/// `--dry-run`: each profile's request bodies, one JSON object per line, tagged with the
/// profile and provider they belong to.
pub fn print_plans(ctx: &Context, chosen: &[Chosen]) -> Result<Outcome> {
    let mut lines = String::new();
    for c in chosen {
        for request in &c.requests {
            let line = serde_json::json!({
                "profile": c.name,
                "provider": c.provider.name,
                "body": (c.provider.plan)(request, c.profile.as_ref()),
            });
            lines.push_str(&line.to_string());
            lines.push('\n');
        }
    }
    ctx.term.print(&lines)?;
    Ok(Outcome::Complete)
}

/// Fetches every profile, at most `concurrency` at once; parts come back in the order chosen.
pub async fn fetch_all(
    ctx: &mut Context<'_>,
    chosen: Vec<Chosen>,
    concurrency: usize,
) -> Result<Vec<ProfilePart>> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut parts: Vec<Option<ProfilePart>> = Vec::new();
    for (index, c) in chosen.into_iter().enumerate() {
        parts.push(None);
        let bank = match connect(ctx, &c).await {
            Ok(bank) => bank,
            Err(e) => {
                parts[index] = Some(ProfilePart::failed(&c.name, c.provider.name, &e));
                continue;
            }
        };
        let permits = Arc::clone(&permits);
        let recorder = match &c.profile {
            Some(profile) => ctx.recorder(&c.name, c.provider.name, record::origin_of(profile)),
            None => ctx.recorder(
                &c.name,
                c.provider.name,
                record::sandbox_origin(c.provider.name),
            ),
        };
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let fetched = bank.balances(c.requests, &c.accounts, 4, || ()).await;
            (index, c.name, c.provider.name, fetched, recorder)
        });
    }
    let progress = ctx.term.progress(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        let (index, name, provider, fetched, mut recorder) =
            joined.map_err(|e| Error::Internal(e.into()))?;
        parts[index] = Some(match fetched {
            Ok(fetched) => {
                if let Some(recorder) = &mut recorder {
                    recorder.record(&fetched.report.rows);
                }
                ctx.finish_recording(recorder);
                for warning in &fetched.warnings {
                    ctx.term.warn(&format!("profile '{name}': {warning}"));
                }
                ProfilePart::ok(&name, provider, fetched.report)
            }
            Err(e) => ProfilePart::failed(&name, provider, &e),
        });
        progress.tick();
    }
    Ok(parts.into_iter().flatten().collect())
}

/// The profile's own credentials, or the sandbox's ready profile of its provider.
async fn connect(ctx: &mut Context<'_>, chosen: &Chosen) -> Result<Bank> {
    let (profile, access) = match &chosen.profile {
        Some(profile) => (profile.clone(), credentials::resolve(profile)?),
        None => ctx.sandbox_profile(chosen.provider.name).await?,
    };
    ctx.connect_profile(profile, access)
}
