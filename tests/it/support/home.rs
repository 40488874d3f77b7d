//! The one private HOME a test runs `treasury` in (XDG folders, config file, credentials),
//! removed when dropped: either a newcomer's HOME (no keyring, no profile chosen), or one whose
//! runs use the profile `test` of its config file with the client secret in the environment.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::bank::{TestBank, SECRET};
use super::run::{run, Run};

pub const BIN: &str = env!("CARGO_BIN_EXE_treasury");

/// A private HOME for one test, removed when dropped.
pub struct Home {
    pub dir: tempfile::TempDir,
    /// Runs use profile `test` of the config file and `SECRET` from the environment.
    test_profile: bool,
}

impl Home {
    /// A newcomer's HOME: no keyring, no profile chosen, nothing from the environment.
    pub fn new() -> Home {
        Home::with_folders(&["config/treasury", "cache"], false)
    }

    /// A HOME whose runs use profile `test` (`TREASURY_CONFIG`, `TREASURY_PROFILE`) with the
    /// client secret `SECRET` in `TREASURY_CLIENT_SECRET`; the profile is written by
    /// [`Home::write_bank_profile`].
    pub fn for_test_profile() -> Home {
        Home::with_folders(&["config", "cache"], true)
    }

    /// [`Home::for_test_profile`] with the profile `test` pointing at `bank`.
    pub fn with_bank(bank: &TestBank) -> Home {
        let home = Home::for_test_profile();
        home.write_bank_profile(&bank.base_url(), &bank.token_url());
        home
    }

    fn with_folders(folders: &[&str], test_profile: bool) -> Home {
        let dir = tempfile::tempdir().expect("a temporary HOME");
        for sub in folders {
            std::fs::create_dir_all(dir.path().join(sub)).expect("XDG folders");
        }
        Home { dir, test_profile }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `$XDG_CONFIG_HOME/treasury/config.toml`, where `login` writes.
    pub fn config_path(&self) -> PathBuf {
        self.path().join("config/treasury/config.toml")
    }

    /// `$XDG_CONFIG_HOME/treasury/credentials.toml`, written by `login --store file`.
    pub fn credentials_path(&self) -> PathBuf {
        self.path().join("config/treasury/credentials.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("the config file");
    }

    pub fn config(&self) -> Option<String> {
        std::fs::read_to_string(self.config_path()).ok()
    }

    /// Writes a file into HOME with this mode.
    pub fn write_file(&self, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("a test file");
        set_mode(&path, mode);
        path
    }

    /// Writes the profile `test` with these URLs and client id `cid`.
    pub fn write_bank_profile(&self, base_url: &str, token_url: &str) {
        let text = format!(
            "[profiles.test]\nbase_url = \"{base_url}\"\ntoken_url = \"{token_url}\"\nclient_id = \"cid\"\n"
        );
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).expect("the config folder");
        std::fs::write(path, text).expect("the config file");
    }

    /// `treasury` with none of the caller's environment. A newcomer's HOME: only this HOME, no
    /// keyring, no proxy for loopback, and no secret or token from the environment. A HOME for
    /// the test profile: that profile, its config file and `SECRET`.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = self.bare_cmd();
        match self.test_profile {
            true => cmd
                .env("TREASURY_CONFIG", self.config_path())
                .env("TREASURY_PROFILE", "test")
                .env("TREASURY_CLIENT_SECRET", SECRET),
            false => cmd
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("TREASURY_NO_KEYRING", "1"),
        };
        cmd
    }

    /// `treasury` as a newcomer runs it: this HOME and its XDG folders, no proxy for loopback,
    /// and nothing else (no PATH, config, profile or credentials).
    pub fn bare_cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(BIN);
        cmd.env_clear()
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("NO_PROXY", "127.0.0.1,localhost")
            .timeout(Duration::from_secs(60));
        cmd
    }
}

/// `treasury balances ARGS` in this HOME.
pub fn balances(home: &Home, args: &[&str]) -> Run {
    run(home.cmd().arg("balances").args(args))
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}
