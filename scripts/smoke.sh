#!/usr/bin/env bash
# Smoke test of the compiled binary as an admin would run it: copied alone into an empty directory,
# no node_modules, no bun on PATH, no model folder; first boot, /readyz, graceful stop, warm restart,
# then sign in, upload a document and find it by meaning with the built-in embedding model.
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/dist/konstruct"
[ -x "$bin" ] || { echo "smoke: $bin missing; run 'bun run build'" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill -9 "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$bin" "$work/konstruct"
cd "$work"
port=$(( 30000 + RANDOM % 20000 ))

start() {
  env -i PATH=/usr/bin:/bin HOME="$work" KONSTRUCT_SERVER__PORT="$port" KONSTRUCT_SERVER__HOST=127.0.0.1 KONSTRUCT_DATA_DIR="${data:-data}" \
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
printf 'tenants:\n  - slug: acme\n    name: Acme\n' > konstruct.config.yaml
start; echo "smoke: warm start ready"
base="http://127.0.0.1:$port"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/setup")" = "404" ] || { echo "smoke: /setup still open after admin create" >&2; exit 1; }
curl -fsS "$base/login" -o "$work/login.html" && grep -q 'name="_csrf"' "$work/login.html"
# Knowledge base, offline, with the model built into the binary: sign in, make a token, upload, search.
jar="$work/cookies"
csrf() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$1" | head -1; }
curl -fsS -c "$jar" -b "$jar" "$base/login" -o "$work/login.html"
curl -sS -c "$jar" -b "$jar" -o /dev/null --data-urlencode "email=admin@example.com" --data-urlencode "password=smoke-admin-password" \
  --data-urlencode "_csrf=$(csrf "$work/login.html")" "$base/login"
curl -fsS -c "$jar" -b "$jar" "$base/admin/tokens" -o "$work/tokens.html"
curl -fsS -c "$jar" -b "$jar" --data-urlencode "name=smoke" --data-urlencode "_csrf=$(csrf "$work/tokens.html")" "$base/admin/tokens" -o "$work/token.html"
token=$(sed -n 's/.*class="secret-once">\(kpat_[A-Za-z0-9_-]*\)<.*/\1/p' "$work/token.html" | head -1)
[ -n "$token" ] || { echo "smoke: could not create a personal access token" >&2; exit 1; }
printf '# Office guide\n\n## Bicycles\n\nStaff may park bicycles in the locked basement room next to the lifts.\n\n## Lunch\n\nThe canteen serves warm meals from noon until two.\n' > "$work/guide.md"
curl -fsS -H "authorization: Bearer $token" -F "file=@$work/guide.md" "$base/api/v1/kb/acme/documents" -o "$work/upload.json"
doc=$(sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' "$work/upload.json" | head -1)
for _ in $(seq 1 600); do
  curl -fsS -H "authorization: Bearer $token" "$base/api/v1/kb/acme/documents/$doc" -o "$work/doc.json"
  grep -q '"status":"ready"' "$work/doc.json" && break
  grep -q '"status":"failed"' "$work/doc.json" && { cat "$work/doc.json" >&2; echo "smoke: document failed" >&2; exit 1; }
  sleep 0.1
done
grep -q '"status":"ready"' "$work/doc.json" || { cat "$work/doc.json" "$work/serve.log" >&2; echo "smoke: document not embedded within 60 s" >&2; exit 1; }
# Top passage by meaning (no word shared with the answer), both ways round.
search() {
  curl -fsS -G -H "authorization: Bearer $token" --data-urlencode "q=$1" --data-urlencode "k=1" "$base/api/v1/kb/acme/search" -o "$work/search.json"
  grep -q "$2" "$work/search.json" || { cat "$work/search.json" >&2; echo "smoke: kb search for '$1' did not find '$2'" >&2; exit 1; }
}
search "where can I leave my bike" "locked basement room"
search "what time is food available" "canteen serves warm meals"
[ -f data/.konstruct-cache/models/konstruct/use-lite-en/onnx/model_quantized.onnx ] || { echo "smoke: built-in model not copied out" >&2; exit 1; }
echo "smoke: knowledge base upload and search ok (built-in model)"
# Backup while serving (through the control socket, a search in flight), restore into a fresh data
# dir, serve it: the same tenant, token and document are there.
search "where can I leave my bike" "locked basement room" &
env -i PATH=/usr/bin:/bin HOME="$work" ./konstruct backup --out "$work/live.tar.gz" --include-key 2>/dev/null | grep -q "taken from the running server" \
  || { echo "smoke: backup while serving failed" >&2; exit 1; }
wait $!
stop
env -i PATH=/usr/bin:/bin HOME="$work" KONSTRUCT_DATA_DIR="$work/restored" ./konstruct restore "$work/live.tar.gz"
data="$work/restored" start
search "what time is food available" "canteen serves warm meals"
stop
echo "smoke: backup while serving restored and served"
env -i PATH=/usr/bin:/bin ./konstruct doctor
[ -d data/pg ] && [ -f data/secret.key ] || { echo "smoke: data dir not created in cwd" >&2; exit 1; }
echo "smoke: ok"
