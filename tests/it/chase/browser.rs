//! Chase without a browser or config: the no-config sandbox demo, client-credential flags refused,
//! `BROWSER` honoured without a display, a browser that cannot start, no browser and no display.

use super::*;

#[test]
fn the_sandbox_demo_needs_no_config_or_browser() {
    let home = Home::new();
    let demo = run(home
        .cmd()
        .args(["--sandbox=chase", "balances", "-f", "csv"]));
    demo.code(5)
        .stdout_has("card-4004")
        .stderr_has("ins-7007: UNSUPPORTED-TYPE");
    let refused = run(home.cmd().args(["--sandbox=chase", "login"]));
    refused.code(2);
}

#[test]
fn client_credential_flags_are_refused_for_a_browser_login() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let refused = run(home
        .cmd()
        .args(["-p", "chase", "login", "--client-secret-stdin"]));
    refused
        .code(2)
        .stderr_has("--client-secret-stdin does not apply to profile 'chase'");
    assert!(!home.credentials_path().exists());
}

/// A stand-in browser: a script that writes its arguments to `args.txt`, then exits `code`.
#[cfg(unix)]
fn fake_browser(home: &Home, code: i32) -> (std::path::PathBuf, std::path::PathBuf) {
    let record = home.path().join("args.txt");
    let script = home.write_file(
        "browser.sh",
        &format!(
            "#!/bin/sh\necho \"$@\" > '{}.tmp' && mv '{0}.tmp' '{0}'\nexit {code}\n",
            record.display()
        ),
        0o755,
    );
    (script, record)
}

#[cfg(unix)]
fn recorded(record: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(record) {
            return text.trim().to_string();
        }
        assert!(Instant::now() < deadline, "the browser was not started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn browser_is_honoured_without_a_display_and_the_login_completes() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (script, record) = fake_browser(&home, 0);
    // A missing first command, then the script with %s standing for the URL.
    let list = format!("/nonexistent/browser:{} --new-tab %s", script.display());
    let login = Login::start_with(&home, &[], &[("BROWSER", &list)]);
    let url = login.authorize_url();
    let args = recorded(&record);
    assert_eq!(args, format!("--new-tab {url}"), "DISPLAY is unset: {args}");
    let landing = consent(&args["--new-tab ".len()..], "approve", MAPPED);
    http("GET", &landing, "");
    let run = login.finish();
    run.code(0).stderr_has("Logged in as profile 'chase'");
    assert!(!run.stderr.contains("could not open a browser"), "{run}");
}

#[cfg(unix)]
#[test]
fn a_browser_that_cannot_start_is_said_at_once_and_the_printed_address_still_works() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (failing, record) = fake_browser(&home, 1);
    for browser in [
        "/nonexistent/browser".to_string(),
        failing.display().to_string(),
    ] {
        let started = Instant::now();
        let login = Login::start_with(&home, &["--wait", "60"], &[("BROWSER", &browser)]);
        login.stderr_until(
            "could not open a browser; open the address above",
            Duration::from_secs(15),
        );
        assert!(started.elapsed() < Duration::from_secs(15), "{browser}");
        let landing = consent(&login.authorize_url(), "approve", MAPPED);
        http("GET", &landing, "");
        login.finish().code(0);
        std::fs::remove_file(home.credentials_path()).unwrap();
    }
    assert!(recorded(&record).contains("/authorize?"));
}

#[test]
fn without_browser_or_display_only_the_address_is_printed() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (run, _) = log_in(&home, MAPPED, &[]);
    run.code(0).stderr_has("/authorize?");
    assert!(!run.stderr.contains("could not open a browser"), "{run}");
}
