//! Unit tests of the config file: profiles, keys, URLs, saving. Profiles resolve against a
//! registry of the tests' own (one made-up provider), so config is tested without any bank; each
//! provider's own keys, environments and hosts are tested in its folder under src/bank/.

use super::*;

fn parse(text: &str) -> ConfigFile {
    toml::from_str(text).unwrap()
}

fn usage(err: Error) -> String {
    match err {
        Error::Usage { message, hint } => format!("{message} | {}", hint.unwrap_or_default()),
        other => panic!("expected usage error, got {other:?}"),
    }
}

/// A provider of the tests' own: one environment with a host, a few keys of its own.
static PLAIN: ProfileSpec = ProfileSpec {
    name: "plain",
    title: "A plain provider",
    profile_keys: &[
        "environment",
        "auth",
        "token_url",
        "client_id",
        "partner",
        "rounds",
    ],
    environments: &[Environment::Uat],
    default_base_url: |env, _| env.and_then(|_| Url::parse("https://uat.plain.example/api").ok()),
    browser_login: false,
    public_client: false,
    client_id_key: Some("partner"),
    daily_reads: Some(2),
};

static PROVIDERS: Providers = Providers {
    default: "plain",
    all: || vec![&PLAIN],
};

/// Resolves profile `name` of the file against the tests' registry.
fn resolve_in(file: &ConfigFile, name: &str, path: &Path) -> Result<Profile> {
    resolve(file, name, path, &PROVIDERS)
}

#[test]
fn the_documented_example_resolves() {
    let file = parse(
        r#"
default_profile = "uat"
[profiles.uat]
environment = "uat"
auth = "client-secret"
token_url = "https://id.example/oauth2/token"
client_id = "abc"
timeout_secs = 30
[profiles.uat.accounts]
ops-usd = "02100002/000000010013324"
[profiles.uat.groups]
emea = ["ops-gbp", "CHASGB2L/0041034035"]
"#,
    );
    let name = profile_name(None, &file);
    assert_eq!(name, "uat");
    let profile = resolve_in(&file, &name, Path::new("c.toml")).unwrap();
    assert_eq!(profile.base_url.as_str(), "https://uat.plain.example/api");
    assert_eq!(profile.auth, AuthMode::ClientSecret);
    assert_eq!(
        profile.token_url.as_ref().map(Url::as_str),
        Some("https://id.example/oauth2/token")
    );
    assert_eq!(profile.client_id.as_deref(), Some("abc"));
    assert_eq!(profile.timeout, Duration::from_secs(30));
    assert_eq!(profile.book.aliases["ops-usd"], "02100002/000000010013324");
    assert_eq!(profile.book.groups["emea"].len(), 2);
    assert_eq!(profile_name(Some("prod"), &file), "prod");
    assert_eq!(profile_name(None, &ConfigFile::default()), "default");
}

#[test]
fn plain_http_only_on_loopback() {
    for ok in [
        "https://bank.example/x",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        checked_url("p", "base_url", ok).unwrap();
    }
    let text = usage(checked_url("p", "base_url", "http://bank.example/x").unwrap_err());
    assert!(
        text.contains("base_url 'http://bank.example/x' of profile 'p' must use https"),
        "{text}"
    );
    assert!(text.contains("loopback"), "{text}");
    let text = usage(checked_url("p", "token_url", "ftp://127.0.0.1/").unwrap_err());
    assert!(text.contains("must use https"), "{text}");
    let text = usage(checked_url("p", "base_url", "not a url").unwrap_err());
    assert!(text.contains("is not a valid URL"), "{text}");
}

#[test]
fn user_names_and_passwords_in_urls_are_refused_unquoted() {
    for url in [
        "https://ana:hunter2@bank.example/api",
        "https://ana@bank.example/api",
        "https://:hunter2@bank.example/api",
        "http://ana:hunter2@127.0.0.1:9/x",
    ] {
        let text = usage(checked_url("p", "token_url", url).unwrap_err());
        assert!(!text.contains("hunter2") && !text.contains("ana"), "{text}");
        assert!(text.contains("token_url '"), "{text}");
        assert!(text.contains("@") && text.contains("***"), "{text}");
        assert!(text.contains("--token-url"), "{text}");
    }
    assert_eq!(
        redact_userinfo("https://a:b@c@host/p@q"),
        "https://***@host/p@q"
    );
    assert_eq!(redact_userinfo("https://host/p@q"), "https://host/p@q");
    let text = usage(checked_url("p", "base_url", "https://a:hunter2@[bad").unwrap_err());
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn missing_profiles_list_the_known_ones() {
    let file =
        parse("[profiles.uat]\nenvironment = \"uat\"\n[profiles.prod]\nenvironment = \"prod\"\n");
    let text = usage(resolve_in(&file, "dev", Path::new("c.toml")).unwrap_err());
    assert!(
        text.contains("no profile 'dev' in c.toml") && text.contains("known profiles: prod, uat"),
        "{text}"
    );
    let text =
        usage(resolve_in(&ConfigFile::default(), "default", Path::new("c.toml")).unwrap_err());
    assert!(text.contains("--sandbox"), "{text}");
}

#[test]
fn saving_a_profile_keeps_comments_and_other_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("treasury").join("config.toml");
    let update = ProfileUpdate {
        environment: Some(Environment::Uat),
        client_id: Some("abc".into()),
        ..ProfileUpdate::default()
    };
    save_profile(&path, "uat", &update).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("default_profile = \"uat\""), "{text}");
    let with_comment =
        format!("# my banks\n{text}\n[profiles.prod] # live\nenvironment = \"prod\"\n");
    std::fs::write(&path, with_comment).unwrap();
    let update = ProfileUpdate {
        token_url: Some("https://id.example/t".into()),
        ..ProfileUpdate::default()
    };
    save_profile(&path, "uat", &update).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# my banks") && text.contains("[profiles.prod] # live"),
        "{text}"
    );
    let file: ConfigFile = toml::from_str(&text).unwrap();
    assert_eq!(file.profiles["uat"].client_id.as_deref(), Some("abc"));
    assert_eq!(
        file.profiles["uat"].token_url.as_deref(),
        Some("https://id.example/t")
    );
    assert_eq!(file.profiles["prod"].environment, Some(Environment::Prod));
}

#[test]
fn config_errors_point_at_the_right_line() {
    let text = "[profiles.a]\nenvironment = \"uat\"\ntimeout_secs = \"x\"\n";
    let err = toml::from_str::<ConfigFile>(text).unwrap_err();
    let hint = config_error_hint(text, &err);
    assert!(hint.starts_with("see line 3"), "{hint}");
}

#[test]
fn unknown_keys_and_hostless_profiles_are_refused() {
    // A key no provider reads loads (the file is shared by every profile), and is refused
    // when its profile is used, naming the keys the provider reads.
    let typo = parse("[profiles.a]\nenvironment = \"uat\"\nbase_ur = \"x\"\n");
    let text = usage(resolve_in(&typo, "a", Path::new("c")).unwrap_err());
    assert!(
        text.contains("sets base_ur, which provider 'plain' does not read")
            && text.contains("the keys of this provider are: provider, base_url"),
        "{text}"
    );
    let file = parse("[profiles.a]\nclient_id = \"x\"\n");
    let text = usage(resolve_in(&file, "a", Path::new("c")).unwrap_err());
    assert!(
        text.contains("neither base_url nor environment")
            && text.contains("add environment = \"uat\" (or base_url)"),
        "{text}"
    );
}

/// Config resolves against whatever registry it is handed: the default provider, its host and
/// its keys come from it.
mod handed_registry {
    use super::*;

    fn resolved(text: &str) -> Result<Profile> {
        resolve_in(&parse(text), "a", Path::new("c.toml"))
    }

    #[test]
    fn the_default_provider_its_host_and_its_keys_come_from_the_registry() {
        let profile =
            resolved("[profiles.a]\nenvironment = \"uat\"\npartner = \"p-1\"\nrounds = 3\n")
                .unwrap();
        assert_eq!(profile.provider.name, "plain");
        assert_eq!(profile.base_url.as_str(), "https://uat.plain.example/api");
        assert_eq!(profile.client_id.as_deref(), Some("p-1"));
        assert_eq!(profile.settings["partner"], "p-1");
        assert_eq!(profile.settings["rounds"], "3");
    }

    #[test]
    fn keys_environments_and_names_it_does_not_know_are_refused() {
        let text = usage(
            resolved("[profiles.a]\nbase_url = \"https://x.example\"\napp_key = \"k\"\n")
                .unwrap_err(),
        );
        assert!(
            text.contains("sets app_key, which provider 'plain' does not read"),
            "{text}"
        );
        let text = usage(resolved("[profiles.a]\nenvironment = \"prod\"\n").unwrap_err());
        assert!(text.contains("use one of: uat"), "{text}");
        let text = usage(resolved("[profiles.a]\nprovider = \"other\"\n").unwrap_err());
        assert!(text.contains("the known providers are: plain"), "{text}");
        let text = usage(
            resolved("[profiles.a]\nbase_url = \"https://x.example\"\nauth = \"none\"\n")
                .unwrap_err(),
        );
        assert!(text.contains("does not take"), "{text}");
        let text = usage(
            resolved("[profiles.a]\nbase_url = \"https://x.example\"\nrounds = -1\n").unwrap_err(),
        );
        assert!(
            text.contains("rounds = -1 in profile 'a' is not valid"),
            "{text}"
        );
    }
}

#[test]
fn a_stray_key_is_refused_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "[profiles.b]\nenvironment = \"uat\"\n\n[profiles.a]\nenvironment = \"uat\"\nbase_ur = \"x\"\n";
    std::fs::write(&path, text).unwrap();
    let file = parse(text);
    let message = usage(resolve_in(&file, "a", &path).unwrap_err());
    assert!(message.contains("(line 6) sets base_ur"), "{message}");
}
