"""Turn bench/out/*.json into the one markdown table of bench/run.sh (stdout).

python3 bench/report.py OUT_DIR
"""

import json
import os
import platform
import subprocess
import sys

out = sys.argv[1]


def load(name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def lines(name):
    with open(os.path.join(out, name)) as f:
        return [json.loads(line) for line in f if line.strip()]


def have(name):
    return os.path.exists(os.path.join(out, name))


# Each part of bench/run.sh writes its own files; PARTS may have skipped some.
sizes = {s["app"]: s for s in lines("sizes.jsonl")} if have("sizes.jsonl") else None
restore = load("restore.json") if have("restore.json") else None
emu = load("emulator.json") if have("emulator.json") else None
after = load("emulator-after.json") if have("emulator-after.json") else None
tput = {t["target"]: t for t in lines("throughput.jsonl")} if have("throughput.jsonl") else {}

rows = []


def row(measure, ours, ref, ratio=None, target=None, met=None):
    rows.append((measure, ours, ref, ratio, target, met))


def kb(n):
    return f"{n / 1000:.1f} kB"


def check(ratio, limit, higher_is_better=False):
    ok = ratio >= limit if higher_is_better else ratio <= limit
    return "yes" if ok else "**no**"


if sizes:
    ours, theirs = sizes["leptos-minimal"], sizes["react-stytch"]
    for key, label in (("raw", "raw"), ("gzip", "gzip -9"), ("brotli", "brotli -q 11")):
        ratio = ours[key] / theirs[key]
        target = "≤ 0.80" if key == "gzip" else None
        row(f"Shipped bytes, minimal app, {label}", kb(ours[key]), kb(theirs[key]), f"{ratio:.2f}", target,
            check(ratio, 0.8) if target else None)
    own = sizes["react-stytch-own-client"]
    row("… React app with @stytch/react's own client instead, gzip -9", kb(ours["gzip"]), kb(own["gzip"]),
        f"{ours['gzip'] / own['gzip']:.2f}")
    lb, rb = sizes["leptos-bare"], sizes["react-bare"]
    row("Shipped bytes, empty app (framework alone), gzip -9", kb(lb["gzip"]), kb(rb["gzip"]),
        f"{lb['gzip'] / rb['gzip']:.2f}")
    row("Added by the SDK (minimal − empty), gzip -9", kb(ours["gzip"] - lb["gzip"]), kb(theirs["gzip"] - rb["gzip"]),
        f"{(ours['gzip'] - lb['gzip']) / (theirs['gzip'] - rb['gzip']):.2f}")
    ls = sizes["leptos-signals"]
    row("… Leptos app with the minimal app's signals and views but no SDK (ref: empty React app), gzip -9",
        kb(ls["gzip"]), kb(rb["gzip"]), f"{ls['gzip'] / rb['gzip']:.2f}")
    row("Added by the SDK alone (minimal − that app; ref: minimal − empty), gzip -9", kb(ours["gzip"] - ls["gzip"]),
        kb(theirs["gzip"] - rb["gzip"]), f"{(ours['gzip'] - ls['gzip']) / (theirs['gzip'] - rb['gzip']):.2f}")
    lp, rp = sizes["leptos-prebuilt"], sizes["react-stytch-prebuilt"]
    row("Minimal app + pre-built `<StytchB2B>` (links, codes, passwords), gzip -9", kb(lp["gzip"]), kb(rp["gzip"]),
        f"{lp['gzip'] / rp['gzip']:.2f}")
    row("Added by `<StytchB2B>` (that app − minimal app), gzip -9", kb(lp["gzip"] - ours["gzip"]),
        kb(rp["gzip"] - theirs["gzip"]), f"{(lp['gzip'] - ours['gzip']) / (rp['gzip'] - theirs['gzip']):.2f}")

if restore:
    lr, rr = restore["leptos"], restore["react"]
    ratio = lr["median_ms"] / rr["median_ms"]
    row(f"Navigation → session restored and member shown, median of {lr['loads']}", f"{lr['median_ms']:.1f} ms",
        f"{rr['median_ms']:.1f} ms", f"{ratio:.2f}", "≤ 1.00", check(ratio, 1.0))
    row(f"… p95 of {lr['loads']}", f"{lr['p95_ms']:.1f} ms", f"{rr['p95_ms']:.1f} ms",
        f"{lr['p95_ms'] / rr['p95_ms']:.2f}")
    row("Requests on load (all / to the API)", f"{lr['requests']} / {lr['api_requests']}",
        f"{rr['requests']} / {rr['api_requests']}")

if tput:
    axum = tput["axum"]
    for key, label in (("sdk", "SDK `POST /sdk/v1/b2b/sessions/authenticate`"),
                       ("backend_jwt", "backend `POST /v1/b2b/sessions/authenticate` (session_jwt)")):
        t = tput[key]
        ratio = t["rps"] / axum["rps"]
        target = "≥ 0.50" if key == "sdk" else None
        row(f"Emulator {label}, req/s (ref: bare axum)", f"{t['rps']:,.0f}", f"{axum['rps']:,.0f}", f"{ratio:.2f}",
            target, check(ratio, 0.5, True) if target else None)
        row("… latency p50 / p99", f"{t['p50_ms']:.2f} / {t['p99_ms']:.2f} ms",
            f"{axum['p50_ms']:.2f} / {axum['p99_ms']:.2f} ms")
    if "events" in tput:
        t = tput["events"]
        row("… the emulator's no-op `POST /sdk/v1/events` (same router and layers), req/s (ref: bare axum)",
            f"{t['rps']:,.0f}", f"{axum['rps']:,.0f}", f"{t['rps'] / axum['rps']:.2f}")
    row("Emulator start → healthy, `--memory` (new RSA key) / existing file DB",
        f"{emu['start_memory_ms']:.0f} / {emu['start_file_ms']:.0f} ms", "")
    row("Emulator resident memory, idle / after the load runs (peak)",
        f"{emu['rss_idle_kib'] / 1024:.1f} / {after['VmRSS'] / 1024:.1f} ({after['VmHWM'] / 1024:.1f}) MiB", "")


def cell(v):
    return "" if v is None else str(v)


print("| measure | leptos-stytch | reference | ours / ref | target | met |")
print("|---|---:|---:|---:|---:|:---:|")
for r in rows:
    print("| " + " | ".join(cell(v) for v in r) + " |")

errors = [t for t in tput.values() if t["non_2xx"] or t["socket_errors"]]
notes = []
for name, t in tput.items():
    notes.append(f"{name}: {t['requests']:,} requests in {t['duration_s']:.1f} s, "
                 f"{t['non_2xx']} non-2xx, {t['socket_errors']} socket errors")
print()
print("Reference: React 19.3.1 + @stytch/react 20.1.0 (`StytchB2BProvider`, `useStytchMember`) + "
      "@stytch/vanilla-js 6.3.0 headless client, esbuild 0.28.2; the bare axum handler for the emulator rows.")
if restore:
    print(f"API requests on load — leptos-stytch: {', '.join(lr['api']) or 'none'}; "
          f"@stytch/react: {', '.join(rr['api']) or 'none'} (CORS preflights not counted; "
          f"blocked non-loopback requests: {lr['blocked']} / {rr['blocked']}).")
if notes:
    print("wrk: " + "; ".join(notes) + ".")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
print(f"Machine: {os.cpu_count()} × {cpu}, {platform.system()} {platform.release()}, {rustc}, "
      f"{chromium[-1] if chromium else 'chromium ?'}.")
