#!/usr/bin/env bash
# The curl baseline: one token request, then every request body in BODIES_DIR POSTed to
# BASE/balance, PARALLEL at a time, each answer saved beside its body as NAME.out.
# Usage: curl_post.sh BASE BODIES_DIR PARALLEL
set -euo pipefail
base=$1 bodies=$2 parallel=$3
token=$(curl -sSf -u sandbox:sandbox -d grant_type=client_credentials "$base/oauth2/token" |
    sed -E 's/.*"access_token":"([^"]+)".*/\1/')
find "$bodies" -name 'body-*.json' -print0 | sort -z |
    xargs -0 -P "$parallel" -I{} curl -sSf -o {}.out \
        -H "authorization: Bearer $token" -H 'content-type: application/json' -H 'accept: application/json' \
        --data-binary @{} "$base/balance"
