#!/usr/bin/env python3
"""Write benchmark: 8 signed-in clients following and unfollowing recommendations as fast
as they can for 10 seconds (each request one write transaction: the change, its audit
entry, a commit), on SQLite and on PostgreSQL. Prints requests per second and latency
percentiles for each engine.

Run from the repository root after scripts/build: `python3 bench/writes.py`. BENCH_BINARY
picks another build (for example one from before SQLite's `synchronous = FULL`, to compare);
BENCH_POSTGRES is the server (default postgres://postgres@127.0.0.1:5432, trust auth).
"""
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from common import percentile, wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("BENCH_BINARY", ROOT / "target/release/candour"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PORT = 3215
CLIENTS = 8
SECONDS = 10
PASSWORD = "harbour lantern thistle"


def sign_in(email):
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "next": "/account"})
    conn.request("POST", "/sign-in", body, {"content-type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 303, response.status
    cookie = response.getheader("set-cookie").split(";")[0]
    conn.close()
    return cookie


def client(cookie, n, stop, latencies):
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    headers = {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}
    reference = f"PP-{n + 1}"
    action = "follow"
    while not stop.is_set():
        start = time.perf_counter()
        conn.request("POST", f"/actions/{reference}/{action}", "", headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 303, (reference, action, response.status)
        latencies.append((time.perf_counter() - start) * 1000)
        action = "unfollow" if action == "follow" else "follow"
    conn.close()


def run(label, env):
    for i in range(CLIENTS):
        subprocess.run([str(BINARY), "user", "create-admin", "--email", f"writer{i}@example.org",
                        "--name", f"Writer {i}"], input=PASSWORD + "\n", text=True, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([str(BINARY), "serve"], env=env)
    try:
        wait_for(PORT)
        cookies = [sign_in(f"writer{i}@example.org") for i in range(CLIENTS)]
        stop = threading.Event()
        latencies = [[] for _ in range(CLIENTS)]
        threads = [threading.Thread(target=client, args=(cookies[i], i, stop, latencies[i]))
                   for i in range(CLIENTS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    every = [ms for each in latencies for ms in each]
    return (label, len(every) / elapsed, statistics.median(every), percentile(every, 99), len(every))


def main():
    if not BINARY.exists():
        raise SystemExit(f"build first: scripts/build (no {BINARY})")
    rows = []
    work = Path(tempfile.mkdtemp(prefix="candour-writes-bench-"))
    base = dict(os.environ, CANDOUR_ADDR=f"127.0.0.1:{PORT}", CANDOUR_SITE_DIR=str(ROOT / "target/site"),
                CANDOUR_CONTENT_DIR=str(ROOT / "content"), RUST_LOG="warn")
    try:
        rows.append(run("SQLite", dict(base, CANDOUR_DATA_DIR=str(work / "sqlite"))))
        name = f"candour_writes_{os.getpid()}"
        subprocess.run(["psql", POSTGRES + "/test", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        try:
            rows.append(run("PostgreSQL", dict(base, CANDOUR_DATA_DIR=str(work / "pg"),
                                               CANDOUR_DATABASE_URL=f"{POSTGRES}/{name}")))
        finally:
            subprocess.run(["psql", POSTGRES + "/test", "-q", "-c",
                            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{BINARY}: {CLIENTS} clients, {SECONDS} s of follow/unfollow writes\n")
    print("| engine | writes | writes/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for label, rate, p50, p99, count in rows:
        print(f"| {label} | {count} | {rate:.0f} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
