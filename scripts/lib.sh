# Shared by scripts/*.sh: settings from Leptos.toml and idempotent installs. Source it; don't run it.
# Every install step checks first and skips what is already there.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/tools/binaryen/node_modules/.bin:$PATH"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# setting SECTION KEY: a value from Leptos.toml.
setting() {
  python3 -c 'import sys, tomllib; print(tomllib.load(open("Leptos.toml", "rb"))[sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

SITE_HOST="$(setting site host)"
SITE_PORT="$(setting site port)"
EMULATOR_HOST="$(setting emulator host)"
EMULATOR_PORT="$(setting emulator port)"
EMULATOR_SEED="$(setting emulator seed)"
export SITE_HOST SITE_PORT EMULATOR_HOST EMULATOR_PORT EMULATOR_SEED
SSR_HOST="$(setting ssr_example host)"
SSR_PORT="$(setting ssr_example port)"
SSR_EMULATOR_PORT="$(setting ssr_example emulator_port)"
SSR_SEED="$(setting ssr_example seed)"
export SSR_HOST SSR_PORT SSR_EMULATOR_PORT SSR_SEED

apt_install() { # apt_install PACKAGE... (only those whose command is missing are passed in)
  [ "$#" -eq 0 ] && return 0
  log "apt-get install $*"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

# The browser and its driver (Debian's), for wasm-bindgen-test and Playwright.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  apt_install "${missing[@]}"
}

# Rust side: the wasm target, wasm-bindgen-cli pinned to Cargo.lock, Trunk, npm's binaryen (wasm-opt 132:
# Debian's 108 silently breaks the app, see ../shared/TOOLCHAIN.md).
ensure_wasm_tools() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  local wbg
  wbg="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wbg"; then
    # Not --locked: its lockfile pins a webpki-roots this registry lacks (TOOLCHAIN.md pitfall 3).
    log "cargo install wasm-bindgen-cli $wbg"; cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
    log "cargo install trunk $TRUNK_VERSION (about 12 minutes on 2 cores)"
    cargo install "trunk@$TRUNK_VERSION" --locked --force
  fi
  if ! "$ROOT/tools/binaryen/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    log "npm install binaryen@$BINARYEN_VERSION"
    npm install --prefix tools/binaryen --no-audit --no-fund --silent
  fi
}

# Playwright (no browser download: it drives Debian's Chromium).
ensure_e2e_deps() {
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "npm ci (end2end)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

build_emulator() {
  log "cargo build -p stytch-emulator"
  cargo build -q -p stytch-emulator
  EMULATOR_BIN="$ROOT/target/debug/stytch-emulator"
  export EMULATOR_BIN
}

build_demo() {
  log "trunk build --release (size profile + wasm-opt -Oz)"
  trunk build --release --skip-version-check >/dev/null
}

# The SSR example the way cargo-leptos would build it (which does not install on this toolchain): the server
# binary with `ssr`, the browser bundle with `hydrate` through the wasm-bindgen CLI pinned to Cargo.lock,
# laid out as [package.metadata.leptos] of examples/ssr/Cargo.toml says (site root, pkg dir, output name).
# Debug builds: quick to build, and Leptos reports hydration mismatches only in debug builds.
SSR_SITE_ROOT="$ROOT/target/site"
SSR_BIN="$ROOT/target/debug/leptos-stytch-ssr-example"
export SSR_SITE_ROOT SSR_BIN
build_ssr_example() {
  local api_url="http://$SSR_HOST:$SSR_EMULATOR_PORT"
  log "SSR example: server (cargo build --features ssr)"
  SSR_EXAMPLE_API_URL="$api_url" cargo build -q -p leptos-stytch-ssr-example --bin leptos-stytch-ssr-example --features ssr
  log "SSR example: browser bundle (cargo build --target wasm32-unknown-unknown --features hydrate, wasm-bindgen)"
  SSR_EXAMPLE_API_URL="$api_url" cargo build -q -p leptos-stytch-ssr-example --lib --target wasm32-unknown-unknown --features hydrate
  rm -rf "$SSR_SITE_ROOT/pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$SSR_SITE_ROOT/pkg" --out-name ssr-example \
    "$ROOT/target/wasm32-unknown-unknown/debug/leptos_stytch_ssr_example.wasm"


}

# seed_project KEY: a [project] value of the SSR example's seed (project_id, secret, public_token).
seed_project() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["project"][sys.argv[2]])' "$SSR_SEED" "$1"
}

# run_ssr_example: the built server against an emulator at SSR_EMULATOR_PORT, in the foreground; the
# environment cargo-leptos would give it, and the project's secret in server-only configuration.
run_ssr_example() {
  STYTCH_PROJECT_ID="$(seed_project project_id)" STYTCH_SECRET="$(seed_project secret)" \
  STYTCH_API_URL="http://$SSR_HOST:$SSR_EMULATOR_PORT" \
  LEPTOS_OUTPUT_NAME=ssr-example LEPTOS_SITE_ROOT="$SSR_SITE_ROOT" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="$SSR_HOST:$SSR_PORT" LEPTOS_ENV=DEV \
    exec "$SSR_BIN"
}

# wait_for URL: until it answers, for up to 60 s.
wait_for() {
  for _ in $(seq 1 120); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2
  return 1
}
