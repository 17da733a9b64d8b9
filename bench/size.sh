#!/usr/bin/env bash
# Shipped bytes of the demo (provider, hooks, GetSessionTokens, magic-link login, inbox): Trunk release
# build with the size profile of Cargo.toml (opt-level z, fat LTO, 1 codegen unit) and wasm-opt -Oz
# (npm binaryen 132). Prints raw, gzip -9 and (when `brotli` is installed) brotli -q 11 bytes.
# A benchmark, not a test: it prints numbers and never fails on them.
source "$(dirname "$0")/../scripts/lib.sh"

ensure_wasm_tools
build_demo

printf '%-28s %10s %10s %10s\n' file raw gzip-9 brotli-11
total_raw=0 total_gz=0
for f in dist/*.wasm dist/*.js; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(command -v brotli >/dev/null && brotli -q 11 -c "$f" | wc -c || echo n/a)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d %10s\n' "$(basename "$f" | sed 's/-[0-9a-f]\{16\}\./-<hash>./')" "$raw" "$gz" "$br"
done
printf '%-28s %10d %10d\n' "total (wasm + js)" "$total_raw" "$total_gz"
