//! `treasury sandbox serve`: the built-in sandbox bank in the foreground, over plain HTTP or, with
//! certificates, HTTPS with signed client assertions or mutual TLS.

use crate::cli::SandboxServeArgs;
use crate::commands::Context;
use crate::error::{Error, Outcome, Result};
use crate::sandbox::{
    demo_keys, printed, ClientCert, Options, Sandbox, ServerTls, CLIENT_ID, MAX_SANDBOX_ACCOUNTS,
};

pub async fn serve(ctx: &Context<'_>, args: &SandboxServeArgs) -> Result<Outcome> {
    if args.accounts > MAX_SANDBOX_ACCOUNTS {
        return Err(Error::usage_hint(
            format!(
                "--accounts {} is more than the sandbox holds",
                args.accounts
            ),
            format!("give --accounts between 0 and {MAX_SANDBOX_ACCOUNTS}"),
        ));
    }
    let secret = client_secret(ctx, args)?;
    let sandbox = Sandbox::start(options(args, &secret)?).await.map_err(|e| {
        Error::usage_hint(
            format!("{e:#}"),
            "pick another port with --port, or --port 0 for any free one",
        )
    })?;
    let demo = crate::config::sandbox_state_dir()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .and_then(|dir| demo_keys::ensure(&dir));
    let config = crate::config::config_path(ctx.settings.config.as_deref()).map_or_else(
        |_| "your config file".to_string(),
        |p| p.display().to_string(),
    );
    ctx.term.note(&format!(
        "Sandbox bank listening on {} with {} accounts\n\
         Profiles for it, one per provider, to paste as they are into {config}:\n\n\
         {}\n{}Press Ctrl-C to stop.",
        sandbox.base_url(),
        args.accounts,
        root_profile(&sandbox, args, &secret),
        printed::other_profiles(&sandbox, &secret, &demo),
    ));
    sandbox
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(Error::Internal)?;
    Ok(Outcome::Complete)
}

/// The secret the token endpoint accepts: `--client-secret`, `TREASURY_SANDBOX_CLIENT_SECRET`
/// (both kept out of `ps` only in the second case), or the first line of stdin.
fn client_secret(ctx: &Context<'_>, args: &SandboxServeArgs) -> Result<String> {
    if !args.client_secret_stdin {
        let chosen = args.client_secret.as_deref();
        return Ok(chosen.unwrap_or(crate::sandbox::CLIENT_SECRET).to_string());
    }
    let line = ctx
        .term
        .read_stdin_line()
        .map_err(|e| Error::usage(format!("cannot read the client secret from stdin: {e}")))?;
    let secret = line.trim();
    if secret.is_empty() {
        return Err(Error::usage_hint(
            "--client-secret-stdin got an empty first line",
            "pipe the secret in: printf '%s\\n' \"$SECRET\" | treasury sandbox serve --client-secret-stdin",
        ));
    }
    Ok(secret.to_string())
}

/// The server's options, with its certificate files read; a bad file is a usage error.
fn options(args: &SandboxServeArgs, secret: &str) -> Result<Options> {
    let bad_file = |flag: &str, e: anyhow::Error| {
        Error::usage_hint(format!("{e:#}"), format!("check the file given to {flag}"))
    };
    let client_cert = match &args.client_cert {
        Some(path) => {
            Some(ClientCert::from_pem_file(path).map_err(|e| bad_file("--client-cert", e))?)
        }
        None => None,
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            ServerTls::from_pem_files(cert, key, args.client_ca.as_deref())
                .map_err(|e| bad_file("--tls-cert, --tls-key and --client-ca", e))?,
        ),
        _ => None,
    };
    Ok(Options {
        port: args.port,
        accounts: args.accounts,
        client_secret: secret.to_string(),
        client_cert,
        tls,
    })
}

/// How clients prove who they are, in a few words.
fn authentication(args: &SandboxServeArgs, secret: &str) -> String {
    // The default secret is public; a chosen one is not repeated back.
    let secret = match secret {
        crate::sandbox::CLIENT_SECRET => format!("secret '{}'", crate::sandbox::CLIENT_SECRET),
        _ if args.client_secret_stdin => "the secret read from stdin".to_string(),
        _ => "the secret given with --client-secret or TREASURY_SANDBOX_CLIENT_SECRET".to_string(),
    };
    let mut ways = vec![format!("client id '{CLIENT_ID}', {secret}")];
    if args.client_cert.is_some() {
        ways.push("client assertions signed for --client-cert (and request objects, where a provider's login sends them, verified with it)".into());
    }
    if args.client_ca.is_some() {
        ways.push("mutual TLS with a client certificate from --client-ca, no token needed".into());
    }
    ways.join("; ")
}

/// The profile of the sandbox's root part (the contract's API, J.P. Morgan's), in the mode its
/// flags enable, under a comment saying how clients prove who they are and how to log in.
fn root_profile(sandbox: &Sandbox, args: &SandboxServeArgs, secret: &str) -> String {
    let show = |path: &Option<std::path::PathBuf>| {
        path.as_ref()
            .map_or_else(String::new, |p| p.display().to_string())
    };
    let mut lines = vec![
        format!(
            "# {}: {}. Log in once with",
            root_title(),
            authentication(args, secret)
        ),
        format!("#   {}", login_command(args, secret)),
        "[profiles.sandbox]".to_string(),
        format!("base_url = \"{}\"", sandbox.base_url()),
    ];
    if args.client_ca.is_some() {
        lines.push("auth = \"mtls\"".into());
        lines.push("cert = \"<client certificate signed by --client-ca>\"".into());
        lines.push("key = \"<its key>\"".into());
    } else {
        lines.push(format!("token_url = \"{}\"", sandbox.token_url()));
        lines.push(format!("client_id = \"{CLIENT_ID}\""));
        if args.client_cert.is_some() {
            lines.push("auth = \"private-key-jwt\"".into());
            lines.push(format!("cert = \"{}\"", show(&args.client_cert)));
            lines.push("key = \"<its key>\"".into());
        }
    }
    if args.tls_cert.is_some() {
        lines.push("ca_cert = \"<the CA that signed --tls-cert>\"".into());
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// What the root part's provider is called (J.P. Morgan Account Balances).
fn root_title() -> &'static str {
    crate::sandbox::PARTS
        .iter()
        .find(|part| part.mount.is_empty())
        .and_then(|part| crate::bank::spec(part.name))
        .map_or("The sandbox", |spec| spec.title)
}

/// How to log in to the root part's profile once: with the public secret when it is the one.
fn login_command(args: &SandboxServeArgs, secret: &str) -> String {
    let with_certificate = args.client_ca.is_some() || args.client_cert.is_some();
    match secret {
        crate::sandbox::CLIENT_SECRET if !with_certificate => {
            format!("echo {secret} | treasury login -p sandbox --client-secret-stdin")
        }
        _ => "treasury login -p sandbox".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command, SandboxCommand};

    /// The CLI states the sandbox's defaults without importing it: they must agree.
    #[test]
    fn cli_defaults_are_the_sandboxs() {
        let cli = Cli::parse_from(["treasury", "sandbox", "serve"]);
        let Command::Sandbox(SandboxCommand::Serve(args)) = cli.command else {
            panic!("sandbox serve parses");
        };
        assert_eq!(args.accounts, crate::sandbox::DEFAULT_ACCOUNTS);
        assert!(args.accounts <= crate::sandbox::MAX_SANDBOX_ACCOUNTS);
    }
}
