
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'treasury' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'treasury'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'treasury' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store credentials for a profile and verify them')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the profile''s stored secret and cached token')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, where its credential comes from and when its token expires')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List the accounts the credentials can see')
            [CompletionResult]::new('balances', 'balances', [CompletionResultType]::ParameterValue, 'Current, prior-day or date-range balances')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run the built-in sandbox bank')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'treasury;login' {
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'OAuth token endpoint (https, or http on a loopback host)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API root, overriding the environment''s documented host')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'Which documented J.P. Morgan hosts to use')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate [default: client-secret]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate, PEM (private-key-jwt and mtls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key, PEM, readable by you only (private-key-jwt and mtls)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'OAuth scope to ask for')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Resource id sent with a client assertion (private-key-jwt)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where to keep the client secret')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--client-secret-stdin', '--client-secret-stdin', [CompletionResultType]::ParameterName, 'Read the client secret from stdin (first line) instead of prompting')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Save without asking the token endpoint whether the credentials work')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;logout' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Forget the secrets and tokens of every profile')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;status' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;accounts' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ask the bank even when the cached list is less than an hour old')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;balances' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First date, ISO (2026-01-31); alone it means --to = DATE + 31 days')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Last date, inclusive; alone it means --from = DATE - 31 days')
            [CompletionResult]::new('--month', '--month', [CompletionResultType]::ParameterName, 'A calendar month (2026-01)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]')
            [CompletionResult]::new('--accounts-file', '--accounts-file', [CompletionResultType]::ParameterName, 'Accounts from a file (one per line, or CSV with an account_id column); - for stdin')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A group of accounts from the profile; repeat for more')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once with --split')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--current', '--current', [CompletionResultType]::ParameterName, 'Current-day (intraday) balances; the default')
            [CompletionResult]::new('--prior-day', '--prior-day', [CompletionResultType]::ParameterName, 'Prior-day balances, by each account''s own timezone')
            [CompletionResult]::new('--split', '--split', [CompletionResultType]::ParameterName, 'Cut an oversized request into valid ones (31-day windows, 200-account batches) and merge')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request bodies that would be sent, one JSON object per line, and send nothing')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;sandbox' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'treasury;sandbox;serve' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 (0 picks a free one)')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'How many accounts the sandbox bank holds')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the file''s default_profile, else "default"]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically; on any failure FILE is left as it was')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, never when NO_COLOR is set]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts per request on connection errors, timeouts, 429 and 5xx answers')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'Longest Retry-After we wait for; a longer one gives up with exit 6')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v requests, -vv details); never any secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'treasury;sandbox;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'treasury;sandbox;help;serve' {
            break
        }
        'treasury;sandbox;help;help' {
            break
        }
        'treasury;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store credentials for a profile and verify them')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the profile''s stored secret and cached token')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, where its credential comes from and when its token expires')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List the accounts the credentials can see')
            [CompletionResult]::new('balances', 'balances', [CompletionResultType]::ParameterValue, 'Current, prior-day or date-range balances')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run the built-in sandbox bank')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'treasury;help;login' {
            break
        }
        'treasury;help;logout' {
            break
        }
        'treasury;help;status' {
            break
        }
        'treasury;help;accounts' {
            break
        }
        'treasury;help;balances' {
            break
        }
        'treasury;help;completions' {
            break
        }
        'treasury;help;sandbox' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C')
            break
        }
        'treasury;help;sandbox;serve' {
            break
        }
        'treasury;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
