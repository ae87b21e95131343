#!/usr/bin/env bash
# Load test: 50 connections from wrk (a second process on 127.0.0.1) against `pubcom serve`
# on a consultation made by `pubcom bench`:
#   tests/bench/load.sh DATABASE COMMENTS [SEED] [SECONDS]
# e.g. tests/bench/load.sh /tmp/benchdb/b100k.sqlite3 100000
# Needs wrk and curl (Debian packages) and a release build.
set -euo pipefail
database=$1 comments=$2 seed=${3:-1} seconds=${4:-30}
here=$(cd "$(dirname "$0")" && pwd)
pubcom="$here/../../target/release/pubcom"
slug="bench-$comments-$seed"
port=18080
password=load-test-password-2026
export DATABASE_URL=$database PUBCOM_NEW_PASSWORD=$password
"$pubcom" users add loadtest --name 負荷試験 --email load@example.invalid --role coordinator \
  --consultation "$slug" >/dev/null 2>&1 || "$pubcom" users reset-password loadtest >/dev/null
"$pubcom" serve --bind 127.0.0.1:$port >/tmp/pubcom-load-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$port/login && break; sleep 0.2; done
jar=$(mktemp)
csrf=$(curl -s -c "$jar" http://127.0.0.1:$port/login | grep -o 'name="csrf" value="[^"]*"' | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode login=loadtest \
  --data-urlencode "password=$password" http://127.0.0.1:$port/login
cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port/c/$slug")
[ "$status" = 200 ] || { echo "login failed: list page answered $status" >&2; exit 1; }
echo "wrk -t2 -c50 -d${seconds}s on $slug ($database)"
SLUG=$slug COMMENTS=$comments CATEGORIES=${CATEGORIES:-4} wrk -t2 -c50 -d"${seconds}s" --latency \
  -H "Cookie: $cookie" -s "$here/load.lua" "http://127.0.0.1:$port"
