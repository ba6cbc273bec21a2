"""What the benchmarks share: waiting for a server to answer, and percentiles."""
import contextlib
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wait_for(port, tries=600):
    """Waits until http://127.0.0.1:PORT/healthz answers 200 (0.1 s between tries)."""
    for _ in range(tries):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing answered on port {port}")


def percentile(values, p):
    """The p-th percentile (nearest rank) of a list of numbers."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@contextlib.contextmanager
def seeded_server(binary, port, pin_to_core=None):
    """Runs BINARY on 127.0.0.1:PORT with a fresh data folder seeded from content/ and the
    built site (target/site), until the block ends. PIN_TO_CORE runs it under taskset."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, CANDOUR_ADDR=f"127.0.0.1:{port}", CANDOUR_DATA_DIR=data,
                   CANDOUR_CONTENT_DIR=str(root / "content"), CANDOUR_SITE_DIR=str(root / "target/site"),
                   CANDOUR_PUBLIC_URL=f"http://127.0.0.1:{port}", RUST_LOG="warn")
        command = [str(binary)] if pin_to_core is None else ["taskset", "-c", str(pin_to_core), str(binary)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_for(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
