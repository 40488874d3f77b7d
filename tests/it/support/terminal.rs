//! A run on a pseudo-terminal (util-linux `script`), for what only a terminal shows.

use super::Home;

/// `script` runs `command` on a pseudo-terminal; its transcript, escapes and all.
pub fn on_a_terminal(env: &Home, command: &str) -> String {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_treasury"))
        .parent()
        .unwrap()
        .to_path_buf();
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env_clear()
        .env("HOME", env.path())
        .env("XDG_CONFIG_HOME", env.path().join("config"))
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("COLUMNS", "100")
        .output()
        .expect("this test needs `script` (util-linux) for a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
