"""Start time and resident memory of the emulator binary, for bench/run.sh. Prints one JSON object.

python3 bench/emulator_stats.py BIN SEED PORT

Start time: from spawning the process to the first 200 from GET /emulator/v1/health (polled every 2 ms),
median of 5 starts, for `--memory` (generates its RSA key each start) and for a file database that exists
already (key and seed loaded). RSS: VmRSS from /proc/PID/status once it answers.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN, SEED, PORT = sys.argv[1], sys.argv[2], sys.argv[3]
URL = f"http://127.0.0.1:{PORT}/emulator/v1/health"
RUNS = 5


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def start(args):
    """(seconds until healthy, RSS KiB when healthy)"""
    began = time.perf_counter()
    proc = subprocess.Popen([BIN, "--port", PORT, "--seed", SEED, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = began + 30
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"emulator exited with {proc.returncode} (port {PORT} busy?)")
            try:
                with urllib.request.urlopen(URL, timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - began, rss_kib(proc.pid)
            except OSError:
                time.sleep(0.002)
        raise SystemExit("emulator did not answer within 30 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


memory = [start(["--memory"]) for _ in range(RUNS)]
with tempfile.TemporaryDirectory() as d:
    db = f"{d}/bench.db"
    start(["--db", db])  # creates the database and its key
    file_db = [start(["--db", db]) for _ in range(RUNS)]

print(json.dumps({
    "start_memory_ms": round(statistics.median(s for s, _ in memory) * 1000, 1),
    "start_file_ms": round(statistics.median(s for s, _ in file_db) * 1000, 1),
    "rss_idle_kib": int(statistics.median(r for _, r in memory)),
}))
