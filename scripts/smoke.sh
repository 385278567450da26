#!/usr/bin/env bash
# Smoke test of the compiled binary as an admin would run it: copied alone into an empty directory,
# no node_modules, no bun on PATH; first boot, /readyz, graceful stop, warm restart.
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/dist/konstruct"
[ -x "$bin" ] || { echo "smoke: $bin missing; run 'bun run build'" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill -9 "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$bin" "$work/konstruct"
cd "$work"
port=$(( 30000 + RANDOM % 20000 ))

start() {
  env -i PATH=/usr/bin:/bin HOME="$work" KONSTRUCT_SERVER__PORT="$port" KONSTRUCT_SERVER__HOST=127.0.0.1 \
    ./konstruct serve >>"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "smoke: serve exited early" >&2; exit 1; }
    sleep 0.1
  done
  cat "$work/serve.log" >&2; echo "smoke: /readyz not 200 within 30 s" >&2; exit 1
}
stop() {
  kill -TERM "$pid"
  wait "$pid" || { echo "smoke: serve exited non-zero on SIGTERM" >&2; exit 1; }
}

env -i PATH=/usr/bin:/bin ./konstruct version
start; echo "smoke: first boot ready"
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null
curl -fsS "http://127.0.0.1:$port/metrics" -o "$work/metrics.txt" && grep -q konstruct_http_requests_total "$work/metrics.txt"
# Admin console: first run leads to /setup; htmx and the stylesheet come from the binary.
[ "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'accept: text/html' "http://127.0.0.1:$port/admin")" = "302 http://127.0.0.1:$port/setup" ] \
  || { echo "smoke: /admin does not lead to /setup on first run" >&2; exit 1; }
# Into a file first: `grep -q` stops reading early and pipefail would then fail on curl.
curl -fsS "http://127.0.0.1:$port/static/htmx.min.js" -o "$work/htmx.js" && grep -q htmx "$work/htmx.js"
curl -fsS "http://127.0.0.1:$port/setup" -o "$work/setup.html" && grep -q 'src="/static/htmx.min.js"' "$work/setup.html"
stop
printf 'smoke-admin-password\n' > "$work/pw"
env -i PATH=/usr/bin:/bin HOME="$work" ./konstruct admin create --email admin@example.com --password-file "$work/pw"
start; echo "smoke: warm start ready"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/setup")" = "404" ] || { echo "smoke: /setup still open after admin create" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/login" -o "$work/login.html" && grep -q 'name="_csrf"' "$work/login.html"
stop
env -i PATH=/usr/bin:/bin ./konstruct doctor
[ -d data/pg ] && [ -f data/secret.key ] || { echo "smoke: data dir not created in cwd" >&2; exit 1; }
echo "smoke: ok"
