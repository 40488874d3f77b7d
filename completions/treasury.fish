# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_treasury_global_optspecs
    string join \n p/profile= config= sandbox f/format= o/output= color= v/verbose q/quiet timeout= retries= max-wait= no-input h/help V/version
end

function __fish_treasury_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_treasury_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_treasury_using_subcommand
    set -l cmd (__fish_treasury_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c treasury -n "__fish_treasury_needs_command" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_needs_command" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_needs_command" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_needs_command" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_needs_command" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_needs_command" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_needs_command" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_needs_command" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_needs_command" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_needs_command" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_needs_command" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_needs_command" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "login" -d 'Store credentials for a profile and verify them'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "logout" -d 'Forget the profile\'s stored secret and cached token'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "status" -d 'Show the profile, where its credential comes from and when its token expires'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "accounts" -d 'List the accounts the credentials can see'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "balances" -d 'Current, prior-day or date-range balances'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "sandbox" -d 'Run the built-in sandbox bank'
complete -c treasury -n "__fish_treasury_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c treasury -n "__fish_treasury_using_subcommand login" -l client-id -d 'OAuth client id' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l token-url -d 'OAuth token endpoint (https, or http on a loopback host)' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l base-url -d 'API root, overriding the environment\'s documented host' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l environment -d 'Which documented J.P. Morgan hosts to use' -r -f -a "prod\t''
uat\t''"
complete -c treasury -n "__fish_treasury_using_subcommand login" -l auth -d 'How to authenticate [default: client-secret]' -r -f -a "client-secret\t''
private-key-jwt\t''
mtls\t''"
complete -c treasury -n "__fish_treasury_using_subcommand login" -l cert -d 'Client certificate, PEM (private-key-jwt and mtls)' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand login" -l key -d 'Private key, PEM, readable by you only (private-key-jwt and mtls)' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand login" -l scope -d 'OAuth scope to ask for' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l resource -d 'Resource id sent with a client assertion (private-key-jwt)' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l store -d 'Where to keep the client secret' -r -f -a "keyring\t'The OS keyring (Secret Service, keyutils, Keychain, Credential Manager)'
file\t'The owner-only file $XDG_CONFIG_HOME/treasury/credentials.toml'"
complete -c treasury -n "__fish_treasury_using_subcommand login" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand login" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand login" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand login" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand login" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand login" -l client-secret-stdin -d 'Read the client secret from stdin (first line) instead of prompting'
complete -c treasury -n "__fish_treasury_using_subcommand login" -l no-verify -d 'Save without asking the token endpoint whether the credentials work'
complete -c treasury -n "__fish_treasury_using_subcommand login" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand login" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand login" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand login" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c treasury -n "__fish_treasury_using_subcommand login" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l all -d 'Forget the secrets and tokens of every profile'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand logout" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand status" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand status" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand status" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand status" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand status" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand status" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand status" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand status" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand status" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand status" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand status" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand status" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand status" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l refresh -d 'Ask the bank even when the cached list is less than an hour old'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand accounts" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l from -d 'First date, ISO (2026-01-31); alone it means --to = DATE + 31 days' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l to -d 'Last date, inclusive; alone it means --from = DATE - 31 days' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l month -d 'A calendar month (2026-01)' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s a -l account -d 'Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l accounts-file -d 'Accounts from a file (one per line, or CSV with an account_id column); - for stdin' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l group -d 'A group of accounts from the profile; repeat for more' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l concurrency -d 'Requests in flight at once with --split' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l current -d 'Current-day (intraday) balances; the default'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l prior-day -d 'Prior-day balances, by each account\'s own timezone'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l split -d 'Cut an oversized request into valid ones (31-day windows, 200-account batches) and merge'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l dry-run -d 'Print the request bodies that would be sent, one JSON object per line, and send nothing'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand balances" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand completions" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l port -d 'Port on 127.0.0.1 (0 picks a free one)' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l accounts -d 'How many accounts the sandbox bank holds' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s p -l profile -d 'Profile from the config file [default: the file\'s default_profile, else "default"]' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l config -d 'Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s f -l format -d 'Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]' -r -f -a "table\t''
csv\t''
json\t''
ndjson\t''"
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s o -l output -d 'Write the report to FILE atomically; on any failure FILE is left as it was' -r -F
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l color -d 'When to use colour [default: auto, never when NO_COLOR is set]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l timeout -d 'Seconds to wait for each answer of the bank [default: the profile\'s timeout_secs, else 60]' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l retries -d 'Attempts per request on connection errors, timeouts, 429 and 5xx answers' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l max-wait -d 'Longest Retry-After we wait for; a longer one gives up with exit 6' -r
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l sandbox -d 'Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed)'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'More logs on stderr (-v requests, -vv details); never any secret'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Only errors on stderr'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
complete -c treasury -n "__fish_treasury_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "login" -d 'Store credentials for a profile and verify them'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "logout" -d 'Forget the profile\'s stored secret and cached token'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "status" -d 'Show the profile, where its credential comes from and when its token expires'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "accounts" -d 'List the accounts the credentials can see'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "balances" -d 'Current, prior-day or date-range balances'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "completions" -d 'Print a shell completion script'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "sandbox" -d 'Run the built-in sandbox bank'
complete -c treasury -n "__fish_treasury_using_subcommand help; and not __fish_seen_subcommand_from login logout status accounts balances completions sandbox help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c treasury -n "__fish_treasury_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "serve" -d 'Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C'
