//! `docs/getting-started.md`, section 3: `treasury sandbox serve` and a pasted profile, the Chase
//! login and the cron line, run as written.

use super::*;

// ---- docs/getting-started.md, section 3: sandbox serve + a profile -----------------------

/// The `sandbox serve` child, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `sandbox serve` printed from its "Profiles for it" line to "Press Ctrl-C".
fn printed_profiles(stderr: std::process::ChildStderr) -> String {
    let mut printed = String::new();
    let mut started = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("the server's stderr");
        if line.starts_with("Press Ctrl-C") {
            break;
        }
        if started {
            printed.push_str(&format!("{line}\n"));
        }
        started |= line.starts_with("Profiles for it");
    }
    printed
}

#[test]
fn getting_started_server_walkthrough_works_as_written() {
    let page = std::fs::read_to_string(root().join("docs/getting-started.md")).unwrap();
    let commands = [
        "echo sandbox | treasury login -p sandbox --client-secret-stdin --store file",
        "treasury -p sandbox status",
        "treasury -p sandbox balances --prior-day",
        "echo sandbox | treasury login -p sandbox-chase --client-secret-stdin --store file",
        "treasury -p sandbox-chase balances",
        "env -i HOME=\"$HOME\" \"$(command -v treasury)\" -p sandbox-chase --no-input balances -o \"$HOME/chase-balances.csv\"",
    ];
    for command in commands {
        assert!(
            page.contains(command),
            "getting-started.md no longer shows `{command}`"
        );
    }

    let sandbox = Sandbox::new();
    let mut child = sandbox
        .std_cmd()
        .args(["sandbox", "serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting treasury sandbox serve");
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let printed = printed_profiles(stderr);
    let port = printed
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(['"', '/']).next());
    let port = port.unwrap_or_else(|| panic!("no port in {printed}"));

    // What the page shows is what the server prints, for port 8080 and HOME /home/you.
    let home = sandbox.dir.path().display().to_string();
    let documented = printed
        .trim()
        .replace(&format!(":{port}"), ":8080")
        .replace(&home, "/home/you");
    assert!(
        page.contains(&format!("```text\n{documented}\n```")),
        "getting-started.md should show the profiles `sandbox serve --port 8080` prints:\n{documented}"
    );

    let config = sandbox.dir.path().join(".config/treasury/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // As printed, but for the loopback port the browser login listens on: a free one here.
    let port = support::chase::free_port();
    let pasted = printed.replace("127.0.0.1:8976", &format!("127.0.0.1:{port}"));
    std::fs::write(&config, pasted).unwrap();
    let run = |args: &[&str], stdin: &str| {
        let out = sandbox
            .cmd()
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "treasury {}: exit {:?}: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(
        &[
            "login",
            "-p",
            "sandbox",
            "--client-secret-stdin",
            "--store",
            "file",
        ],
        "sandbox\n",
    );
    let status: BTreeMap<String, Value> =
        serde_json::from_str(&run(&["-p", "sandbox", "status", "-f", "json"], "")).unwrap();
    assert_eq!(status["credential_source"], "file");
    assert_eq!(status["token_cached"], true);
    let report = run(
        &["-p", "sandbox", "balances", "--prior-day", "-f", "csv"],
        "",
    );
    assert_eq!(
        report.lines().count(),
        13,
        "a header and 12 accounts:\n{report}"
    );
    assert!(Path::new(&sandbox.dir.path().join(".config/treasury/credentials.toml")).exists());

    chase_login_then_cron(&sandbox, &run);
}

/// The browser-login part of the walk: `login -p sandbox-chase` with the secret piped in, the
/// consent approved as a browser would, a report, and the cron line under `env -i` with HOME
/// alone.
fn chase_login_then_cron(sandbox: &Sandbox, run: &dyn Fn(&[&str], &str) -> String) {
    let mut login = sandbox.std_cmd();
    login.args([
        "login",
        "-p",
        "sandbox-chase",
        "--client-secret-stdin",
        "--store",
        "file",
    ]);
    let mut login = support::chase::Login::spawn(login);
    login.paste("sandbox");
    let landing =
        support::chase::consent(&login.authorize_url(), "approve", support::chase::MAPPED);
    assert_eq!(support::chase::http("GET", &landing, "").0, 200);
    login.finish().code(0);
    assert!(run(&["-p", "sandbox-chase", "balances"], "").contains("chk-1001"));

    let home = sandbox.dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"))
        .env_clear()
        .env("HOME", home)
        .current_dir(home)
        .args(["-p", "sandbox-chase", "--no-input", "balances", "-o"])
        .arg(home.join("chase-balances.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the cron run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(home.join("chase-balances.csv")).unwrap();
    assert!(csv.contains("chk-1001"), "{csv}");
}
