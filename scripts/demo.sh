#!/usr/bin/env bash
# Sets everything up (idempotent) and runs the demo against the local emulator: the emulator on
# [emulator] of Leptos.toml (state kept in .stytch-emulator/), the demo on [site]. Ctrl-C stops both.
source "$(dirname "$0")/lib.sh"

ensure_wasm_tools
build_emulator
build_demo

"$EMULATOR_BIN" --host "$EMULATOR_HOST" --port "$EMULATOR_PORT" --db .stytch-emulator/demo.db --seed "$EMULATOR_SEED" &
EMULATOR_PID=$!
trap 'kill $EMULATOR_PID 2>/dev/null || true' EXIT INT TERM
wait_for "http://$EMULATOR_HOST:$EMULATOR_PORT/emulator/v1/health"

log "demo on http://$SITE_HOST:$SITE_PORT  (sign in as admin@example.com, organization acme)"
trunk serve --release --skip-version-check --address "$SITE_HOST" --port "$SITE_PORT"
