#!/usr/bin/env python3
"""Checks the JSON API against its own OpenAPI document with Schemathesis (from PyPI, in
target/pyenv): generated requests, valid and invalid, to every documented operation, and
every answer checked against the document (status codes, content types, schemas, that
invalid input is refused and valid input accepted). Exits non-zero on any failure.
Usage: scripts/check_api.py BINARY (scripts/test passes the debug build).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import wait_for  # noqa: E402  (waiting for /healthz, shared with the benchmarks)

SCHEMATHESIS = ROOT / "target/pyenv/bin/schemathesis"
PORT = 3110


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/debug/candour")
    work = Path(tempfile.mkdtemp(prefix="candour-api-"))
    address = f"http://127.0.0.1:{PORT}"
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work), CANDOUR_ADDR=f"127.0.0.1:{PORT}",
               CANDOUR_PUBLIC_URL=address, CANDOUR_CONTENT_DIR=str(ROOT / "content"),
               CANDOUR_SITE_DIR=str(ROOT / "target/site"), RUST_LOG="error")
    server = subprocess.Popen([str(binary), "serve"], env=env)
    try:
        wait_for(PORT)
        checked = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{address}/api/v1/openapi.json",
             "--checks", "all", "--max-examples", os.environ.get("CHECK_API_EXAMPLES", "40"),
             "--workers", "1", "--seed", "1"],
            env=dict(os.environ, SCHEMATHESIS_HOOKS=""))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(checked.returncode)


if __name__ == "__main__":
    main()
