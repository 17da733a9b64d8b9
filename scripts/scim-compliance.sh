#!/usr/bin/env bash
# Checks the emulator's SCIM 2.0 service provider with an independent checker, scim2-tester (python-scim,
# https://scim2-tester.readthedocs.io), so that the surface identity providers push users and groups to is
# measured against RFC 7643/7644 as someone else reads them, not only against our own tests.
#
# Idempotent: the checker lives in a venv under target/scim-venv (made once, reused while its pinned
# version is there). It starts the emulator binary ($EMULATOR_BIN, else the debug build) on port 4041 with
# a database of its own, signs in acme's admin through the control API, creates a SCIM connection through
# the SDK API, runs every check against its base_url with its bearer token and prints the results. It exits
# non-zero when a check fails (ERROR or CRITICAL); checks of features ServiceProviderConfig says are not
# supported (bulk, sort, etag, changePassword) are skipped by the checker itself.
source "$(dirname "$0")/lib.sh"

SCIM_TESTER_VERSION="0.5.2"
SCIM_CLIENT_VERSION="0.13.2"
SCIM_MODELS_VERSION="0.12.3"
VENV="$ROOT/target/scim-venv"
PORT=4041

have_checker() {
  "$VENV/bin/python" - "$SCIM_TESTER_VERSION" <<'EOF' 2>/dev/null
import sys, importlib.metadata as m
import httpx2, scim2_tester  # noqa: F401
sys.exit(m.version("scim2-tester") != sys.argv[1])
EOF
}

if ! have_checker; then
  log "venv with scim2-tester $SCIM_TESTER_VERSION (target/scim-venv)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "scim2-tester==$SCIM_TESTER_VERSION" \
    "scim2-client[httpx2]==$SCIM_CLIENT_VERSION" "scim2-models==$SCIM_MODELS_VERSION"
fi

if [ -z "${EMULATOR_BIN:-}" ]; then
  build_emulator
fi

WORK="$(mktemp -d)"
"$EMULATOR_BIN" --port "$PORT" --db "$WORK/emulator.db" >/dev/null 2>"$WORK/emulator.log" &
SCIM_EMULATOR_PID=$!
trap 'kill $SCIM_EMULATOR_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for "http://127.0.0.1:$PORT/emulator/v1/health"
kill -0 "$SCIM_EMULATOR_PID" 2>/dev/null || { echo "the SCIM check's emulator did not start (port $PORT busy?)" >&2; exit 1; }

log "SCIM 2.0 compliance (scim2-tester $SCIM_TESTER_VERSION)"
"$VENV/bin/python" - "http://127.0.0.1:$PORT" <<'EOF'
import base64, json, sys, urllib.request

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

emulator = sys.argv[1]

def call(method, path, body=None, auth=None):
    req = urllib.request.Request(emulator + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if auth:
        req.add_header("authorization", auth)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)

project = call("GET", "/emulator/v1/project")
session = call("POST", "/emulator/v1/sessions",
               {"organization_slug": "acme", "email_address": "admin@example.com"})
basic = base64.b64encode(f"{project['public_token']}:{session['session_token']}".encode()).decode()
connection = call("POST", "/sdk/v1/b2b/scim",
                  {"display_name": "scim2-tester", "identity_provider": "generic"},
                  auth=f"Basic {basic}")["data"]["connection"]

http = Client(base_url=connection["base_url"],
              headers={"Authorization": f"Bearer {connection['bearer_token']}"})
results = check_server(SyncSCIMClient(http))
failed = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
for r in results:
    where = f"[{r.resource_type}] " if r.resource_type else ""
    reason = f": {r.reason}" if r.reason and r.status is not Status.SUCCESS else ""
    print(f"{r.status.name:<10} {where}{r.title}{reason}")
counts = {}
for r in results:
    counts[r.status.name] = counts.get(r.status.name, 0) + 1
print("scim2-tester:", ", ".join(f"{n} {k.lower()}" for k, n in sorted(counts.items())))
sys.exit(1 if failed else 0)
EOF
