"""What the benchmarks share: waiting for a server to answer, and percentiles."""
import http.client
import sys
import time


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
