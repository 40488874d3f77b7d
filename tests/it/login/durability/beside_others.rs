//! Logins kept beside other runs: `position` of a browser login and a client-credentials profile in
//! loops, `login` and `logout` beside other profiles' runs, a symlinked credentials file.

use super::*;

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
