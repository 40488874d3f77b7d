#!/usr/bin/env bash
# The curl baseline for one small request: a token request, then one POST of BODY to
# BASE/balance, with nothing but bash and two curl processes.
# Usage: curl_small.sh BASE BODY
set -euo pipefail
base=$1 body=$2
answer=$(curl -sSf -u sandbox:sandbox -d grant_type=client_credentials "$base/oauth2/token")
[[ $answer =~ \"access_token\":\"([^\"]+)\" ]] || { echo "no token in: $answer" >&2; exit 1; }
curl -sSf -o /dev/null -H "authorization: Bearer ${BASH_REMATCH[1]}" \
    -H 'content-type: application/json' -H 'accept: application/json' \
    --data-binary @"$body" "$base/balance"
