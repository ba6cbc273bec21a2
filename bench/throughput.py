#!/usr/bin/env python3
"""Throughput of public pages, side by side with nginx serving the very same bytes in the
same run. Candour (release build, seeded content) is pinned to core 0 and wrk to core 1;
nginx (one worker) is then pinned to core 0 in its turn. Each page is first fetched once as
a browser would (Accept-Encoding: br), and those exact bytes, with the same
Content-Encoding, are what nginx serves. wrk: 64 connections, BENCH_SECONDS (10) each.

Then search: a repeated query at full speed, and the 20 queries of bench/search_queries.txt
at a fixed 200 requests/s (each query's first request renders it; later ones reuse it until
the content changes).

Run from the repository root after scripts/build: `python3 bench/throughput.py`
(needs wrk and nginx: apt-get install wrk nginx-light; BENCH_BINARY picks another build).
"""
import concurrent.futures
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from common import percentile, seeded_server, wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("BENCH_BINARY", ROOT / "target/release/candour"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT, NGINX_PORT = 3215, 3216
PAGES = ["/", "/actions", "/actions?status=in-progress", "/actions/PP-17",
         "/reports/quarterly-summary-2026-q3", "/policies/data-access", "/search?q=data"]
QUERIES = [q for q in (ROOT / "bench/search_queries.txt").read_text().splitlines() if q.strip()]


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "br"})
    response = conn.getresponse()
    return response.status, response.getheader("Content-Encoding"), response.read()


def wrk(port, path):
    """Requests per second, p50 ms and p99 ms from wrk on core 1."""
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", "-c64", f"-d{SECONDS}s", "--latency",
         "-H", "Accept-Encoding: br", f"http://127.0.0.1:{port}{path}"],
        check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{path}: {errors.group(1)} error answers\n{out}")

    def ms(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return rate, ms("50"), ms("99")


def fixed_rate(port, paths, rate, seconds):
    """Sends requests at a fixed rate (an open loop: a slow answer does not delay the next
    request) and returns each one's latency in ms."""
    latencies, lock = [], threading.Lock()

    def one(path):
        started = time.perf_counter()
        status, _, _ = fetch(port, path)
        if status != 200:
            sys.exit(f"{path}: {status}")
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter()
        for n in range(rate * seconds):
            time.sleep(max(0, start + n / rate - time.perf_counter()))
            pool.submit(one, paths[n % len(paths)])
    return latencies


def main():
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk nginx-light util-linux")
    if not BINARY.exists():
        sys.exit(f"{BINARY} is missing: run scripts/build first")
    # This script (the fixed-rate client included) stays on wrk's core, off the server's.
    os.sched_setaffinity(0, {1})
    work = Path(tempfile.mkdtemp(prefix="candour-throughput-"))
    work.chmod(0o755)  # nginx's worker runs as another user and must read the saved pages
    saved = work / "static"
    saved.mkdir()
    nginx = None
    try:
        rows = []
        with seeded_server(BINARY, PORT, pin_to_core=0):
            for n, path in enumerate(PAGES):
                status, coding, body = fetch(PORT, path)
                assert status == 200 and coding == "br", (path, status, coding)
                (saved / f"page{n}.html").write_bytes(body)
                rows.append((path, f"/page{n}.html", len(body), wrk(PORT, path)))
            repeated = wrk(PORT, "/search?q=" + urllib.parse.quote(QUERIES[0]))
            searches = ["/search?q=" + urllib.parse.quote(q) for q in QUERIES]
            spread = fixed_rate(PORT, searches, 200, SECONDS)
        conf = work / "nginx.conf"
        conf.write_text(
            f"daemon off; worker_processes 1; pid {work}/nginx.pid; error_log stderr error;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{ access_log off; server {{ listen 127.0.0.1:{NGINX_PORT};\n"
            f"location = /healthz {{ return 200 'ok'; }}\n"
            f"location / {{ root {saved}; default_type text/html; add_header Content-Encoding br; }} }} }}\n")
        nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", str(conf), "-p", str(work)])
        wait_for(NGINX_PORT)
        print(f"wrk, 64 connections, {SECONDS} s per page, Accept-Encoding: br; server on core 0, wrk on core 1\n")
        print("| page | bytes (br) | Candour req/s | p50 ms | p99 ms | nginx req/s | p50 ms | p99 ms | ratio |")
        print("|---|---|---|---|---|---|---|---|---|")
        for path, static, size, (rate, p50, p99) in rows:
            nrate, n50, n99 = wrk(NGINX_PORT, static)
            print(f"| `{path}` | {size} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {nrate:,.0f} | {n50:.2f} | {n99:.2f} | {rate / nrate:.2f} |")
        print(f"\nsearch, one query repeated: {repeated[0]:,.0f} req/s, p50 {repeated[1]:.2f} ms, p99 {repeated[2]:.2f} ms")
        print(f"search, the {len(QUERIES)} bench queries at a fixed 200 req/s for {SECONDS} s: "
              f"p50 {percentile(spread, 50):.2f} ms, p99 {percentile(spread, 99):.2f} ms ({len(spread)} requests)")
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
