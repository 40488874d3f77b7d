//! Logins kept through interruptions: the lock's wait message and bound, a run killed mid-write,
//! SIGTERM while the token answer is on its way, a lost token answer.

use super::*;

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
