//! The profiles `treasury sandbox serve` prints, pasted as they are, log in and report; a secret
//! given to login is stored with the login.

use super::*;

// ---- The profiles `treasury sandbox serve` prints, pasted as they are ----------------------

/// What `sandbox serve` printed from its "Profiles for it" line to "Press Ctrl-C".
fn printed_profiles(sandbox: &ServedSandbox) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !sandbox.log().contains("Press Ctrl-C") {
        assert!(std::time::Instant::now() < deadline, "{}", sandbox.log());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let log = sandbox.log();
    let start = log.find("Profiles for it").expect("the profiles' heading");
    let block = &log[start..log.find("Press Ctrl-C").unwrap()];
    block.split_once('\n').unwrap().1.to_string()
}

/// The login command printed above `[profiles.NAME]`: its stdin (after `echo`) and arguments.
fn printed_login(printed: &str, name: &str) -> (Option<String>, Vec<String>) {
    let block = &printed[..printed.find(&format!("[profiles.{name}]")).unwrap()];
    let comment = block.rsplit("\n\n").next().unwrap();
    let line = comment
        .lines()
        .find_map(|l| l.strip_prefix("#   "))
        .unwrap_or_else(|| panic!("no login command above {name}:\n{comment}"));
    let (stdin, command) = match line.split_once(" | ") {
        Some((echo, command)) => (echo.strip_prefix("echo ").map(str::to_string), command),
        None => (None, line),
    };
    let args = command.split_whitespace().skip(1).map(str::to_string);
    (stdin, args.collect())
}

/// Runs the printed login of `name`, its secret piped in as printed (a browser login's landing
/// reaches its loopback listener, as from a browser).
fn printed_login_runs(home: &Home, printed: &str, name: &str) -> Run {
    let (stdin, args) = printed_login(printed, name);
    let mut cmd = Command::new(BIN);
    env(&mut cmd, home);
    cmd.env_remove("TREASURY_CLIENT_SECRET")
        .args(&args)
        .args(["--store", "file"]);
    let mut login = Login::spawn(cmd);
    login.paste(&stdin.expect("a secret to pipe in"));
    if name.ends_with("chase") || name.ends_with("open-banking") {
        let url = login.authorize_url();
        let landing = if name.ends_with("chase") {
            support::chase::consent(&url, "approve", support::chase::MAPPED)
        } else {
            authorise(&url, "approve").1
        };
        assert_eq!(http("GET", &landing, "").0, 200);
    }
    login.finish()
}

#[test]
fn every_profile_sandbox_serve_prints_logs_in_and_reports_as_pasted() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let printed = printed_profiles(&sandbox);
    // As printed, but for the loopback port the browser logins listen on: a free one here.
    let port = free_port();
    home.write_config(&printed.replace("127.0.0.1:8976", &format!("127.0.0.1:{port}")));
    let key = home
        .path()
        .join(".local/state/treasury/sandbox/open-banking-demo.key");
    assert!(printed.contains(&key.display().to_string()), "{printed}");
    assert_eq!(mode_of(&key), 0o600);
    assert!(
        printed.contains("Chase aggregator (FDX): client secret 'sandbox' and a browser login."),
        "{printed}"
    );
    // Finicity's sandbox holds a pending account on purpose: a partial report, exit 5.
    for (name, code) in [
        ("sandbox", 0),
        ("sandbox-finicity", 5),
        ("sandbox-chase", 0),
        ("sandbox-open-banking", 0),
    ] {
        printed_login_runs(&home, &printed, name).code(0);
        // Nothing but what the login stored: no secret in the environment.
        let report = run(home.cmd().args(["-p", name, "balances", "-f", "csv"]));
        report.code(code);
        assert!(report.csv_rows() > 0, "{name}: {report}");
    }
}

#[test]
fn a_secret_given_to_login_is_stored_with_the_login_so_later_runs_need_nothing_else() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let mut cmd = Command::new(BIN);
    env(&mut cmd, &home);
    cmd.env_remove("TREASURY_CLIENT_SECRET").args([
        "-p",
        "ob",
        "login",
        "--store",
        "file",
        "--client-secret-stdin",
    ]);
    let mut login = Login::spawn(cmd);
    login.paste("sandbox");
    let (_, landing) = authorise(&login.authorize_url(), "approve");
    assert_eq!(http("GET", &landing, "").0, 200);
    let done = login.finish();
    done.code(0).stderr_has("Logged in as profile 'ob'");
    assert_eq!(stored(&home)["client_secret"].as_str(), Some("sandbox"));
    // No secret in the environment: the stored one serves the consent calls and refreshes.
    run(home.cmd().args(["-p", "ob", "balances", "-f", "csv"]))
        .code(0)
        .stdout_has("GBP");
}
