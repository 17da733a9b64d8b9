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

# wait_for URL: until it answers, for up to 60 s.
wait_for() {
  for _ in $(seq 1 120); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2
  return 1
}
