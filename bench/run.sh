#!/usr/bin/env bash
# Every benchmark of issue 6, side by side with Stytch's own SDK, in one run; prints ONE markdown table and
# writes it to bench/out/results.md (raw numbers in bench/out/*.json). Numbers only: it never fails on a
# timing, only when something cannot be built or started.
#
#   1. shipped bytes (raw, gzip -9, brotli -q 11) of the minimal app (provider + session restore + member
#      email + Get Session Tokens): ours (bench/apps/leptos-minimal, Trunk release, size profile, wasm-opt
#      -Oz) and React 19 + @stytch/react B2B (bench/apps/react-stytch, esbuild, minified, production), plus
#      each framework's empty app, the minimal app's Leptos part without the SDK (signals.html), and the
#      minimal app plus each SDK's pre-built <StytchB2B> login (prebuilt.html, apps/react-stytch-prebuilt);
#   2. time from navigation start to "session restored and member rendered" in headless Chromium, both
#      apps against the same emulator, LOADS loads each (default 30), median and p95, and requests on load;
#   3. emulator throughput and latency (wrk on loopback, DURATION seconds, CONNECTIONS connections) for SDK
#      and backend sessions/authenticate beside a bare axum handler, and the emulator's start time and RSS.
#
# Env: LOADS (30), DURATION (10), CONNECTIONS (16), PARTS (which of the parts above to run, default "1 2 3";
# e.g. PARTS=3 while working on the emulator: no Trunk or esbuild build, no Chromium; the table then has only
# the rows of the parts run). Ports: emulator 4020, axum 4021, static 8091/8092.
source "$(dirname "$0")/../scripts/lib.sh"

LOADS="${LOADS:-30}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
PARTS="${PARTS:-1 2 3}"
part() { [[ " ${PARTS//,/ } " == *" $1 "* ]]; }
EMU_PORT=4020 AXUM_PORT=4021 LEPTOS_PORT=8091 REACT_PORT=8092
EMU="http://127.0.0.1:$EMU_PORT"
SEED="bench/seed.json"
seed_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["project"][sys.argv[2]])' "$SEED" "$1"; }
PUBLIC_TOKEN="$(seed_field public_token)" PROJECT_ID="$(seed_field project_id)" SECRET="$(seed_field secret)"
OUT="bench/out"
DIST="$OUT/dist"
mkdir -p "$OUT"

# --- setup (idempotent) -----------------------------------------------------------------------------------
if part 1 || part 2; then
  ensure_browser
  ensure_wasm_tools
fi
command -v wrk >/dev/null || apt_install wrk
part 1 && { command -v brotli >/dev/null || apt_install brotli; }
if { part 1 || part 2; } && { [ ! -d bench/node_modules/esbuild ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; }; then
  log "npm ci (bench)"
  (cd bench && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $EMU_PORT $AXUM_PORT $LEPTOS_PORT $REACT_PORT; do
  port_free "$p" || { echo "port $p is busy: stop what listens there and rerun" >&2; exit 1; }
done

# --- build ------------------------------------------------------------------------------------------------
rm -rf "$DIST" "$OUT"/*.json "$OUT"/*.jsonl
if part 1 || part 2; then
log "trunk build --release: bench/apps/leptos-minimal (index.html, bare.html, signals.html)"
(
  cd bench/apps/leptos-minimal
  flock /tmp/leptos-stytch-e2e.lock trunk build --release --skip-version-check --dist "$ROOT/$DIST/leptos-minimal" index.html >/dev/null
  flock /tmp/leptos-stytch-e2e.lock trunk build --release --skip-version-check --dist "$ROOT/$DIST/leptos-bare" bare.html >/dev/null
  flock /tmp/leptos-stytch-e2e.lock trunk build --release --skip-version-check --dist "$ROOT/$DIST/leptos-signals" signals.html >/dev/null
  flock /tmp/leptos-stytch-e2e.lock trunk build --release --skip-version-check --dist "$ROOT/$DIST/leptos-prebuilt" prebuilt.html >/dev/null
)
log "esbuild (minified, production): React apps"
esbuild() {
  local name=$1 entry=$2; shift 2
  mkdir -p "$DIST/$name"
  cp bench/apps/index.html "$DIST/$name/index.html"
  (cd bench && node_modules/.bin/esbuild "$entry" --bundle --minify --format=esm --jsx=automatic \
    --define:process.env.NODE_ENV='"production"' --log-level=warning --outfile="$ROOT/$DIST/$name/app.js" "$@")
}
esbuild react-stytch apps/react-stytch/app.jsx --alias:bench-stytch-client=./apps/react-stytch/vanilla-client.js
esbuild react-stytch-own-client apps/react-stytch/app.jsx --alias:bench-stytch-client=./apps/react-stytch/react-client.js
esbuild react-bare apps/react-bare/app.jsx
esbuild react-stytch-prebuilt apps/react-stytch-prebuilt/app.jsx
fi
log "cargo build --profile bench-emulator: stytch-emulator, axum-baseline"
cargo build -q --profile bench-emulator -p stytch-emulator -p axum-baseline
EMU_BIN="$ROOT/target/bench-emulator/stytch-emulator"
AXUM_BIN="$ROOT/target/bench-emulator/axum-baseline"

# --- 1. shipped bytes -------------------------------------------------------------------------------------
if part 1; then
log "1. shipped bytes"
: >"$OUT/sizes.jsonl"
for app in leptos-minimal leptos-bare leptos-signals leptos-prebuilt react-stytch react-stytch-own-client react-bare react-stytch-prebuilt; do
  raw=0 gz=0 br=0
  for f in "$DIST/$app"/*; do
    raw=$((raw + $(wc -c <"$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    br=$((br + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '{"app":"%s","raw":%d,"gzip":%d,"brotli":%d}\n' "$app" "$raw" "$gz" "$br" >>"$OUT/sizes.jsonl"
done
fi

# --- 3a. emulator start time and idle RSS ------------------------------------------------------------------
if part 3; then
log "3. emulator start time and RSS"
python3 bench/emulator_stats.py "$EMU_BIN" "$SEED" "$EMU_PORT" >"$OUT/emulator.json"
fi

# --- servers ----------------------------------------------------------------------------------------------
"$EMU_BIN" --memory --port "$EMU_PORT" --seed "$SEED" >/dev/null 2>&1 &
EMU_PID=$!; PIDS+=("$EMU_PID")
"$AXUM_BIN" "$AXUM_PORT" >/dev/null 2>&1 &
PIDS+=($!)
wait_for "$EMU/emulator/v1/health"
if part 2; then
  mkdir -p "$OUT/www-react"
  ln -sfn "$ROOT/$DIST/react-stytch" "$OUT/www-react/stytch"
  python3 -m http.server "$LEPTOS_PORT" --bind 127.0.0.1 --directory "$DIST/leptos-minimal" >/dev/null 2>&1 &
  PIDS+=($!)
  python3 -m http.server "$REACT_PORT" --bind 127.0.0.1 --directory "$OUT/www-react" >/dev/null 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$LEPTOS_PORT/index.html"
  wait_for "http://127.0.0.1:$REACT_PORT/stytch/index.html"
fi

# --- 2. time to restored session ---------------------------------------------------------------------------
if part 2; then
log "2. time to restored session: $LOADS loads each (headless Chromium; waits for the shared e2e lock)"
(cd bench && flock /tmp/leptos-stytch-e2e.lock timeout 900 node restore.mjs "$EMU" "$PUBLIC_TOKEN" "$LOADS" \
  "leptos=http://127.0.0.1:$LEPTOS_PORT/" "react=http://127.0.0.1:$REACT_PORT/stytch/") >"$OUT/restore.json"
fi

# --- 3b. throughput ---------------------------------------------------------------------------------------
if part 3; then
log "3. throughput: wrk, ${DURATION} s, $CONNECTIONS connections, 2 threads, each target"
session="$(cd bench && node session.mjs "$EMU" "$PUBLIC_TOKEN" "http://127.0.0.1:$LEPTOS_PORT")"
SESSION_TOKEN="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["session_token"])' "$session")"
basic() { printf 'Basic %s' "$(printf '%s' "$1" | base64 -w0)"; }
jwt_body() { # a JWT minted now (they live 5 minutes)
  (cd bench && node session.mjs "$EMU" "$PUBLIC_TOKEN" "http://127.0.0.1:$LEPTOS_PORT") |
    python3 -c 'import json,sys; print(json.dumps({"session_jwt": json.load(sys.stdin)["session_jwt"]}))'
}
load() { # load NAME URL AUTH BODY
  local out
  out="$(AUTH="$3" BODY="$4" timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s \
    -s bench/post.lua "$2" | tail -1)"
  printf '{"target":"%s",%s\n' "$1" "${out#\{}" >>"$OUT/throughput.jsonl"
}
: >"$OUT/throughput.jsonl"
load sdk "$EMU/sdk/v1/b2b/sessions/authenticate" "$(basic "$PUBLIC_TOKEN:$SESSION_TOKEN")" '{}'
load backend_jwt "$EMU/v1/b2b/sessions/authenticate" "$(basic "$PROJECT_ID:$SECRET")" "$(jwt_body)"
load axum "http://127.0.0.1:$AXUM_PORT/" "" "$(jwt_body)"
load events "$EMU/sdk/v1/events" "" '{}'  # the emulator's own ceiling: same router and layers, no work
grep -E '^(VmRSS|VmHWM)' "/proc/$EMU_PID/status" |
  python3 -c 'import json,sys; print(json.dumps({l.split(":")[0]: int(l.split()[1]) for l in sys.stdin}))' >"$OUT/emulator-after.json"
fi

# --- report -----------------------------------------------------------------------------------------------
python3 bench/report.py "$OUT" | tee "$OUT/results.md"
