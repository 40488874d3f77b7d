//! A profile's `client_secret_command` as configured: the command line and how long it may
//! run. `credentials::command` runs it.

use std::time::Duration;

/// How long a command may take when the profile does not say (`client_secret_command_timeout_secs`).
pub const DEFAULT_SECRET_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A profile's `client_secret_command` and how long it may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretCommand {
    pub command: String,
    pub timeout: Duration,
}

impl SecretCommand {
    /// The program the command starts, for messages: its first word that is not a variable
    /// assignment (which could hold a secret).
    pub fn program(&self) -> &str {
        self.command
            .split_whitespace()
            .find(|w| !w.contains('='))
            .unwrap_or("sh")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_is_the_first_word_that_is_no_assignment() {
        let command = |text: &str| SecretCommand {
            command: text.into(),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(command("pass show x").program(), "pass");
        assert_eq!(command("TOKEN=abc op read x").program(), "op");
        assert_eq!(command("A=1").program(), "sh");
    }
}
