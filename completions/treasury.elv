
use builtin;
use str;

set edit:completion:arg-completer[treasury] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'treasury'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'treasury'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Store credentials for a profile and verify them'
            cand logout 'Forget the profile''s stored secret and cached token'
            cand status 'Show the profile, where its credential comes from and when its token expires'
            cand accounts 'List the accounts the credentials can see'
            cand balances 'Current, prior-day or date-range balances'
            cand completions 'Print a shell completion script'
            cand sandbox 'Run the built-in sandbox bank'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'treasury;login'= {
            cand --client-id 'OAuth client id'
            cand --token-url 'OAuth token endpoint (https, or http on a loopback host)'
            cand --base-url 'API root, overriding the environment''s documented host'
            cand --environment 'Which documented J.P. Morgan hosts to use'
            cand --auth 'How to authenticate [default: client-secret]'
            cand --cert 'Client certificate, PEM (private-key-jwt and mtls)'
            cand --key 'Private key, PEM, readable by you only (private-key-jwt and mtls)'
            cand --scope 'OAuth scope to ask for'
            cand --resource 'Resource id sent with a client assertion (private-key-jwt)'
            cand --store 'Where to keep the client secret'
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --client-secret-stdin 'Read the client secret from stdin (first line) instead of prompting'
            cand --no-verify 'Save without asking the token endpoint whether the credentials work'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;logout'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --all 'Forget the secrets and tokens of every profile'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;status'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;accounts'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --refresh 'Ask the bank even when the cached list is less than an hour old'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;balances'= {
            cand --from 'First date, ISO (2026-01-31); alone it means --to = DATE + 31 days'
            cand --to 'Last date, inclusive; alone it means --from = DATE - 31 days'
            cand --month 'A calendar month (2026-01)'
            cand -a 'Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]'
            cand --account 'Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]'
            cand --accounts-file 'Accounts from a file (one per line, or CSV with an account_id column); - for stdin'
            cand --group 'A group of accounts from the profile; repeat for more'
            cand --concurrency 'Requests in flight at once with --split'
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --current 'Current-day (intraday) balances; the default'
            cand --prior-day 'Prior-day balances, by each account''s own timezone'
            cand --split 'Cut an oversized request into valid ones (31-day windows, 200-account batches) and merge'
            cand --dry-run 'Print the request bodies that would be sent, one JSON object per line, and send nothing'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;completions'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;sandbox'= {
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'treasury;sandbox;serve'= {
            cand --port 'Port on 127.0.0.1 (0 picks a free one)'
            cand --accounts 'How many accounts the sandbox bank holds'
            cand -p 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --profile 'Profile from the config file [default: the file''s default_profile, else "default"]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]'
            cand -f 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand --format 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]'
            cand -o 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --output 'Write the report to FILE atomically; on any failure FILE is left as it was'
            cand --color 'When to use colour [default: auto, never when NO_COLOR is set]'
            cand --timeout 'Seconds to wait for each answer of the bank [default: the profile''s timeout_secs, else 60]'
            cand --retries 'Attempts per request on connection errors, timeouts, 429 and 5xx answers'
            cand --max-wait 'Longest Retry-After we wait for; a longer one gives up with exit 6'
            cand --sandbox 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
            cand -v 'More logs on stderr (-v requests, -vv details); never any secret'
            cand --verbose 'More logs on stderr (-v requests, -vv details); never any secret'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'treasury;sandbox;help'= {
            cand serve 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'treasury;sandbox;help;serve'= {
        }
        &'treasury;sandbox;help;help'= {
        }
        &'treasury;help'= {
            cand login 'Store credentials for a profile and verify them'
            cand logout 'Forget the profile''s stored secret and cached token'
            cand status 'Show the profile, where its credential comes from and when its token expires'
            cand accounts 'List the accounts the credentials can see'
            cand balances 'Current, prior-day or date-range balances'
            cand completions 'Print a shell completion script'
            cand sandbox 'Run the built-in sandbox bank'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'treasury;help;login'= {
        }
        &'treasury;help;logout'= {
        }
        &'treasury;help;status'= {
        }
        &'treasury;help;accounts'= {
        }
        &'treasury;help;balances'= {
        }
        &'treasury;help;completions'= {
        }
        &'treasury;help;sandbox'= {
            cand serve 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
        }
        &'treasury;help;sandbox;serve'= {
        }
        &'treasury;help;help'= {
        }
    ]
    $completions[$command]
}
