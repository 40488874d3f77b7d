//! `treasury sandbox serve`: the built-in sandbox bank in the foreground.

use crate::cli::SandboxServeArgs;
use crate::commands::Context;
use crate::error::{Error, Outcome, Result};
use crate::sandbox::{Options, Sandbox, CLIENT_ID, CLIENT_SECRET};

pub async fn serve(ctx: &Context<'_>, args: &SandboxServeArgs) -> Result<Outcome> {
    let options = Options {
        port: args.port,
        accounts: args.accounts,
    };
    let sandbox = Sandbox::start(options).await.map_err(|e| {
        Error::usage_hint(
            format!("{e:#}"),
            "pick another port with --port, or --port 0 for any free one",
        )
    })?;
    ctx.term.note(&format!(
        "Sandbox bank listening on {} with {} accounts (client id '{CLIENT_ID}', secret '{CLIENT_SECRET}')\n\
         Profile for it:\n  [profiles.sandbox]\n  base_url = \"{}\"\n  token_url = \"{}\"\n  client_id = \"{CLIENT_ID}\"\n\
         Press Ctrl-C to stop.",
        sandbox.base_url(),
        args.accounts,
        sandbox.base_url(),
        sandbox.token_url(),
    ));
    sandbox
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(Error::Internal)?;
    Ok(Outcome::Complete)
}
