//! Logins that are never lost, with the real binary: against a stand-in FDX bank that rotates
//! refresh tokens and revokes the whole family when a spent one comes back (RFC 9700 4.14.2),
//! beside the sandbox's J.P. Morgan (client credentials): `position` of both in loops, `login`
//! and `logout` beside other profiles' runs, a symlinked credentials file, the lock's wait
//! message and bound, a run killed mid-write, SIGTERM while the token answer is on its way.

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::chase::standin::StandIn;
use support::{mode_of, run, Home, Run, ServedSandbox, BIN};

const SECRET: &str = "s3cret-7d2a-durable";
/// The chase profile's client authentication line: PKCE only.
const NO_AUTH: &str = "auth = \"none\"\n";

/// `chase` on the stand-in (a seeded login whose access tokens last a second, so every run
/// refreshes), `jpm` on the sandbox (its secret in the credentials file).
fn setup(home: &Home, standin: &StandIn, sandbox: &ServedSandbox, chase_auth: &str) {
    let url = &standin.url;
    home.write_config(&format!(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\n{chase_auth}\
         redirect_uri = \"http://127.0.0.1:9/callback\"\nauthorize_url = \"{url}/authorize\"\n\
         token_url = \"{url}/token\"\nbase_url = \"{url}\"\n\n\
         [profiles.jpm]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"sandbox\"\n",
        sandbox.base_url(),
        sandbox.token_url()
    ));
    let refresh = standin.issue_login();
    write_credentials(
        home,
        &format!(
            "[profiles.chase]\nrefresh_token = \"{refresh}\"\nrefresh_expires_at = \"2999-01-01T00:00:00Z\"\n\n\
             [profiles.jpm]\nclient_secret = \"{SECRET}\"\n"
        ),
    );
}

fn write_credentials(home: &Home, text: &str) {
    let path = home.credentials_path();
    std::fs::write(&path, text).unwrap();
    support::set_mode(&path, 0o600);
}

fn sandbox(home: &Home) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-secret", SECRET])
}

fn stored(home: &Home) -> toml::Table {
    let text = std::fs::read_to_string(home.credentials_path()).unwrap_or_default();
    let table: toml::Table = text.parse().unwrap();
    table
        .get("profiles")
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_default()
}

fn stored_value(home: &Home, profile: &str, key: &str) -> Option<String> {
    stored(home)
        .get(profile)
        .and_then(|p| p.get(key))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The login still works at the bank: its stored refresh token is live and nothing was replayed.
fn login_alive(home: &Home, standin: &StandIn) {
    let refresh = stored_value(home, "chase", "refresh_token").expect("a stored refresh token");
    let books = standin.books();
    assert_eq!(books.replays, 0, "a spent refresh token was sent again");
    assert!(books.revoked_families.is_empty(), "the login was revoked");
    assert!(
        books.live.contains_key(&refresh),
        "the stored refresh token is not the live one"
    );
}

#[test]
fn position_of_a_browser_login_beside_a_client_credentials_profile_in_loops_keeps_the_login() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    let loops: Vec<_> = (0..2)
        .map(|_| {
            let cmds: Vec<_> = (0..5)
                .map(|_| {
                    let mut cmd = home.cmd();
                    cmd.args(["position", "-p", "chase", "-p", "jpm", "-f", "csv"]);
                    cmd
                })
                .collect();
            std::thread::spawn(move || {
                cmds.into_iter()
                    .map(|mut c| run(&mut c))
                    .collect::<Vec<Run>>()
            })
        })
        .collect();
    // Meanwhile a third profile logs in and out: more writers of the same file.
    let writes: Vec<_> = (0..6)
        .map(|i| {
            let mut cmd = home.cmd();
            match i % 2 {
                0 => cmd
                    .args([
                        "login",
                        "-p",
                        "other",
                        "--store",
                        "file",
                        "--no-verify",
                        "--no-input",
                    ])
                    .args(["--client-secret-stdin", "--client-id", "o"])
                    .args([
                        "--token-url",
                        &sandbox.token_url(),
                        "--base-url",
                        sandbox.base_url(),
                    ])
                    .write_stdin("other-secret\n"),
                _ => cmd.args(["logout", "-p", "other"]),
            };
            cmd
        })
        .collect();
    let writer = std::thread::spawn(move || {
        writes
            .into_iter()
            .map(|mut c| run(&mut c))
            .collect::<Vec<Run>>()
    });
    for handle in loops {
        for done in handle.join().unwrap() {
            done.code(0).stdout_has("chk-1001");
        }
    }
    for done in writer.join().unwrap() {
        done.code(0);
    }
    assert_eq!(
        stored_value(&home, "other", "client_secret"),
        None,
        "logout was last"
    );
    login_alive(&home, &standin);
    assert_eq!(standin.books().refresh_grants, 10, "every run refreshed");
    assert_eq!(
        stored_value(&home, "jpm", "client_secret").as_deref(),
        Some(SECRET)
    );
}

#[test]
fn login_and_logout_beside_other_profiles_runs_do_what_they_said() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    for round in 0..4 {
        let balances: Vec<_> = (0..3)
            .map(|_| {
                let mut cmd = home.cmd();
                cmd.args(["balances", "-p", "chase", "-f", "csv"]);
                std::thread::spawn(move || run(&mut cmd))
            })
            .collect();
        let changed = match round % 2 {
            0 => run(home.cmd().args(["logout", "-p", "jpm"])),
            _ => run(home
                .cmd()
                .args([
                    "login",
                    "-p",
                    "jpm",
                    "--store",
                    "file",
                    "--client-secret-stdin",
                    "--no-input",
                ])
                .write_stdin(format!("{SECRET}\n"))),
        };
        for handle in balances {
            handle.join().unwrap().code(0);
        }
        changed.code(0);
        let secret = stored_value(&home, "jpm", "client_secret");
        match round % 2 {
            0 => assert_eq!(
                secret, None,
                "logout said so, yet the secret is back:\n{changed}"
            ),
            _ => assert_eq!(
                secret.as_deref(),
                Some(SECRET),
                "login said so, yet no secret:\n{changed}"
            ),
        }
    }
    login_alive(&home, &standin);
}

#[test]
fn a_symlinked_credentials_file_stays_a_link_and_logout_empties_its_target() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    let target = home.path().join("vault/creds.toml");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::rename(home.credentials_path(), &target).unwrap();
    std::os::unix::fs::symlink(&target, home.credentials_path()).unwrap();
    run(home.cmd().args(["balances", "-p", "jpm", "-f", "csv"])).code(0);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"])).code(0);
    let link = std::fs::symlink_metadata(home.credentials_path()).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(mode_of(&target), 0o600);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        text.contains("access_token"),
        "the token cache went elsewhere:\n{text}"
    );
    run(home.cmd().args(["logout", "-p", "jpm"])).code(0);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        !text.contains(SECRET),
        "logout left the secret in the link's target"
    );
    assert!(std::fs::symlink_metadata(home.credentials_path())
        .unwrap()
        .file_type()
        .is_symlink());
    login_alive(&home, &standin);
}

/// Holds `login.lock` the way a stopped run would, with `pid` written in it.
fn hold_lock(home: &Home, pid: u32) -> std::fs::File {
    use std::io::Write;
    use std::os::unix::io::AsRawFd;
    let path = home.path().join("config/treasury/login.lock");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(path)
        .unwrap();
    // SAFETY: flock on a descriptor this test holds open.
    assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) }, 0);
    write!(file, "{pid}").unwrap();
    file
}

#[test]
fn a_held_lock_is_waited_for_with_a_message_and_given_up_after_a_bound() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    let held = hold_lock(&home, 4242);
    let started = Instant::now();
    let stuck = run(home
        .cmd()
        .env("TREASURY_LOCK_WAIT_SECS", "3")
        .args(["balances", "-p", "chase", "-f", "csv"]));
    stuck
        .code(3)
        .stderr_has("waiting for the login lock held by PID 4242")
        .stderr_has("gave up after 3 s")
        .stderr_has("kill 4242");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(
        standin.books().token_requests,
        0,
        "nothing is sent without the lock"
    );
    // Let go after a while: the waiting run goes on.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        drop(held);
    });
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stderr_has("waiting for the login lock held by PID 4242");
    release.join().unwrap();
    login_alive(&home, &standin);
}

#[test]
fn a_run_killed_between_writing_and_renaming_is_finished_by_the_next_and_logout_removes_leftovers()
{
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    // What a killed run left: the bank rotated the token, the new one is only in its temporary file.
    let old = stored_value(&home, "chase", "refresh_token").unwrap();
    let new = {
        let mut books = standin.books();
        let family = books.live.remove(&old).unwrap();
        books.spent.insert(old.clone(), family);
        books.live.insert("rt-rotated".into(), family);
        "rt-rotated".to_string()
    };
    std::thread::sleep(Duration::from_millis(20));
    let leftover = home
        .path()
        .join("config/treasury/.treasury-credentials-Ab12Cd.tmp");
    std::fs::write(
        &leftover,
        format!(
            "[profiles.chase]\nrefresh_token = \"{new}\"\n\n[profiles.jpm]\nclient_secret = \"{SECRET}\"\n\
             # end of treasury credentials\n"
        ),
    )
    .unwrap();
    let cut = home
        .path()
        .join("config/treasury/.treasury-credentials-Zz99Yy.tmp");
    std::fs::write(&cut, "[profiles.chase]\nrefresh_token = \"rt-half").unwrap();
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"])).code(0);
    assert!(!leftover.exists() && !cut.exists(), "leftovers remain");
    login_alive(&home, &standin);
    // An older version's leftover holding a token: logout removes it.
    let legacy = home.path().join("config/treasury/.treasury-x1Y2z3.tmp");
    std::fs::write(&legacy, "[profiles.chase]\nrefresh_token = \"rt-old\"\n").unwrap();
    run(home.cmd().args(["logout", "-p", "chase"])).code(0);
    assert!(!legacy.exists(), "logout left a token on disk");
    assert_eq!(stored_value(&home, "chase", "refresh_token"), None);
}

/// Sends SIGTERM to a running `treasury` once the stand-in has its token request.
fn terminate_during_token_answer(
    home: &Home,
    standin: &StandIn,
    args: &[&str],
) -> std::process::Output {
    let child = Command::new(BIN)
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("TREASURY_NO_KEYRING", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while standin.books().token_requests == 0 {
        assert!(Instant::now() < deadline, "no token request");
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: kill(2) on the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait_with_output().unwrap()
}

#[test]
fn sigterm_while_the_token_answer_is_on_its_way_keeps_the_rotated_token() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    standin.books().delay = Duration::from_millis(1500);
    let ended = terminate_during_token_answer(&home, &standin, &["balances", "-p", "chase"]);
    assert_eq!(ended.status.code(), Some(143), "{ended:?}");
    assert_eq!(
        standin.books().refresh_grants,
        1,
        "the answer came before the run ended"
    );
    standin.books().delay = Duration::ZERO;
    login_alive(&home, &standin);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stdout_has("chk-1001");
    login_alive(&home, &standin);
}

#[test]
fn a_lost_token_answer_says_the_login_may_be_spent_and_names_login() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(
        &home,
        &standin,
        &sandbox,
        "auth = \"none\"\ntimeout_secs = 1\n",
    );
    standin.books().delay = Duration::from_secs(3);
    let lost = run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]));
    lost.code(6)
        .stderr_has("may be spent")
        .stderr_has("treasury login -p chase");
}

#[test]
fn a_confidential_chase_client_authenticates_every_refresh_and_invalid_client_says_so() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    // No auth line: client-secret is the default.
    setup(&home, &standin, &sandbox, "");
    standin.books().basic = Some(("app".into(), "chase-secret".into()));
    let none = run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]));
    none.code(3)
        .stderr_has("no client secret for profile 'chase'");
    assert_eq!(
        standin.books().token_requests,
        0,
        "nothing sent without a secret"
    );
    for _ in 0..2 {
        run(home
            .cmd()
            .env("TREASURY_CLIENT_SECRET", "chase-secret")
            .args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stdout_has("chk-1001");
    }
    let seen = standin.books().token_auth.clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|a| a.as_deref().is_some_and(|a| a.starts_with("Basic "))),
        "{seen:?}"
    );
    let wrong = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "not-it")
        .args(["balances", "-p", "chase", "-f", "csv"]));
    wrong
        .code(3)
        .stderr_has("the bank wants client authentication")
        .stderr_has("invalid_client");
    assert!(!wrong.everything().contains("not-it"));
    login_alive(&home, &standin);
}

#[test]
fn status_of_a_browser_login_with_an_unusable_credentials_file_is_exit_3() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    let fine = run(home.cmd().args(["status", "-p", "chase", "-f", "json"]));
    assert_eq!(fine.code(0).json()["logged_in"], true, "{fine}");
    support::set_mode(&home.credentials_path(), 0o644);
    run(home.cmd().args(["status", "-p", "chase"]))
        .code(3)
        .stderr_has("can be read by others (mode 644)");
    write_credentials(&home, "this is = = not toml [");
    let broken = run(home.cmd().args(["status", "-p", "chase"]));
    broken.code(3).stderr_has("is not valid TOML");
    assert!(!broken.everything().contains("not toml"), "{broken}");
}

#[test]
fn a_chase_client_signing_its_token_requests_uses_an_owner_only_key() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["app.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let key_path = home.write_file("app.key", &key.serialize_pem(), 0o600);
    let cert_path = home.write_file("app.crt", &cert.pem(), 0o644);
    let auth = format!(
        "auth = \"private-key-jwt\"\nkey = \"{}\"\ncert = \"{}\"\n",
        key_path.display(),
        cert_path.display()
    );
    setup(&home, &standin, &sandbox, &auth);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stdout_has("chk-1001");
    {
        let books = standin.books();
        assert_eq!(
            books.token_auth,
            vec![None],
            "no Basic beside the assertion"
        );
        let keys = &books.token_keys[0];
        assert!(keys.contains(&"client_assertion".to_string()), "{keys:?}");
        assert!(
            keys.contains(&"client_assertion_type".to_string()),
            "{keys:?}"
        );
    }
    support::set_mode(&key_path, 0o644);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(3)
        .stderr_has("can be read by others (mode 644)");
    assert_eq!(
        standin.books().token_requests,
        1,
        "the refused key signed nothing"
    );
    login_alive(&home, &standin);
}
