#!/usr/bin/env bash
# Sets everything up (idempotent) and runs every test: formatting and lints, native tests (client core
# against the in-process emulator, emulator handlers, doctests), browser tests (wasm-bindgen-test in
# headless Chromium, against an emulator over HTTP) and the end-to-end tests (Playwright driving the
# Trunk-built demo, and the server-rendered example, each against a running emulator), and the emulator's
# SCIM 2.0 endpoint against scim2-tester.
source "$(dirname "$0")/lib.sh"

ensure_browser
ensure_wasm_tools
ensure_e2e_deps

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy -q --workspace --all-targets -- -D warnings
cargo clippy -q --target wasm32-unknown-unknown -p leptos-stytch -p leptos-stytch-demo --all-targets -- -D warnings
cargo clippy -q -p leptos-stytch --features ssr --all-targets -- -D warnings
cargo clippy -q -p leptos-stytch-ssr-example --features ssr --all-targets -- -D warnings
cargo clippy -q -p leptos-stytch-ssr-example --target wasm32-unknown-unknown --features hydrate --lib -- -D warnings

# The library never forces a Leptos mode, so it must build in every one an app may pick, on that mode's target.
log "cargo check: the library with each feature set"
cargo check -q -p leptos-stytch
cargo check -q -p leptos-stytch --features ssr
cargo check -q -p leptos-stytch --target wasm32-unknown-unknown
cargo check -q -p leptos-stytch --target wasm32-unknown-unknown --features csr
cargo check -q -p leptos-stytch --target wasm32-unknown-unknown --features hydrate

log "native tests"
cargo test --workspace
log "native tests of the server side (ssr)"
cargo test -p leptos-stytch --features ssr --test server
cargo test -p leptos-stytch --features ssr --doc

log "cargo package + docs (stytch-emulator, leptos-stytch)"
cargo package -q -p stytch-emulator --allow-dirty
RUSTDOCFLAGS="-D warnings" cargo doc -q -p stytch-emulator --no-deps
cargo package -q -p leptos-stytch --allow-dirty
RUSTDOCFLAGS="-D warnings" cargo doc -q -p leptos-stytch --no-deps
RUSTDOCFLAGS="-D warnings" cargo doc -q -p leptos-stytch --no-deps --features ssr

build_emulator

# The SCIM 2.0 service provider, checked by an independent SCIM compliance checker (scim2-tester).
"$ROOT/scripts/scim-compliance.sh"

# Browser tests: an emulator of their own that allows the test runner's origin.
WASM_TEST_ADDR="127.0.0.1:8097"
WASM_EMULATOR_PORT=4011
"$EMULATOR_BIN" --memory --port "$WASM_EMULATOR_PORT" --seed tests/browser-seed.json >/dev/null &
WASM_EMULATOR_PID=$!
trap 'kill $WASM_EMULATOR_PID 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$WASM_EMULATOR_PORT/emulator/v1/health"
kill -0 "$WASM_EMULATOR_PID" 2>/dev/null || { echo "the browser tests' emulator did not start (port $WASM_EMULATOR_PORT busy?)" >&2; exit 1; }
log "browser tests (wasm-bindgen-test, headless Chromium)"
WASM_BINDGEN_TEST_ADDRESS="$WASM_TEST_ADDR" STYTCH_TEST_API_URL="http://127.0.0.1:$WASM_EMULATOR_PORT" \
  CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features ui --lib --test web --test web_admin --test web_ui
kill $WASM_EMULATOR_PID 2>/dev/null || true

build_demo
log "end-to-end tests (Playwright)"
(cd end2end && npx playwright test)

build_ssr_example
log "end-to-end tests of the SSR example (Playwright)"
(cd end2end && npx playwright test -c playwright.ssr.config.ts)
