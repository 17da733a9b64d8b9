#!/usr/bin/env bash
# Builds the server-rendered example (examples/ssr) with cargo and wasm-bindgen and runs it against a fresh
# local emulator: the emulator on [ssr_example] emulator_port of Leptos.toml, the app on host:port. Sign in
# as member@example.com with violet-kettle-harbor-29. Ctrl-C stops both.
#   scripts/ssr-example.sh          build and run
#   scripts/ssr-example.sh --serve  run what is built (the end-to-end tests start it this way)
source "$(dirname "$0")/lib.sh"

if [ "${1:-}" != "--serve" ]; then
  ensure_wasm_tools
  build_emulator
  build_ssr_example
  "$EMULATOR_BIN" --memory --host "$SSR_HOST" --port "$SSR_EMULATOR_PORT" --seed "$SSR_SEED" &
  EMULATOR_PID=$!
  SERVER_PID=""
  trap 'kill $EMULATOR_PID $SERVER_PID 2>/dev/null || true' EXIT INT TERM
  wait_for "http://$SSR_HOST:$SSR_EMULATOR_PORT/emulator/v1/health"
  log "SSR example on http://$SSR_HOST:$SSR_PORT  (sign in as member@example.com, violet-kettle-harbor-29)"
  run_ssr_example &
  SERVER_PID=$!
  wait $SERVER_PID
else
  run_ssr_example
fi
