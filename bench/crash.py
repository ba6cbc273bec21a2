#!/usr/bin/env python3
"""Crash benchmark: twenty times, start Candour, publish reports from 4 concurrent clients,
and kill -9 the server mid-write; then start it once more and check that every publication
the server acknowledged (303) is in the database exactly once, that SQLite's integrity
check passes, and that search finds exactly the published reports. Prints what it found.

Run from the repository root after scripts/build: `python3 bench/crash.py`. BENCH_KILLS
changes the number of kills (the test command runs the same check three times:
`reliability::kill_nine_three_times_under_writes_loses_no_acknowledged_write`).
"""
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from common import wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("BENCH_BINARY", ROOT / "target/release/candour"))
KILLS = int(os.environ.get("BENCH_KILLS", "20"))
PORT = 3216
WRITERS = 4
PASSWORD = "harbour lantern thistle"


def sign_in():
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    body = urllib.parse.urlencode({"email": "crash@example.org", "password": PASSWORD, "next": "/admin"})
    conn.request("POST", "/sign-in", body, {"content-type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 303, response.status
    return response.getheader("set-cookie").split(";")[0]


def writer(cookie, round_, n, acknowledged, lock):
    headers = {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}
    i = 0
    while True:
        title = f"Crashtest report r{round_} w{n} n{i}"
        body = urllib.parse.urlencode({
            "title": title, "kind": "briefing", "date-day": "20", "date-month": "11",
            "date-year": "2026", "summary": "Written while the server was killed.",
            "body": "Crashtest words.", "version": "0", "action": "publish", "confirmed": "yes",
        })
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.request("POST", "/admin/reports/new", body, headers)
            response = conn.getresponse()
            response.read()
            conn.close()
        except OSError:
            return
        if response.status != 303:
            raise SystemExit(f"{title}: {response.status}")
        with lock:
            acknowledged.append(title)
        i += 1


def main():
    if not BINARY.exists():
        raise SystemExit("build first: scripts/build")
    work = Path(tempfile.mkdtemp(prefix="candour-crash-bench-"))
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work), CANDOUR_ADDR=f"127.0.0.1:{PORT}",
               CANDOUR_SITE_DIR=str(ROOT / "target/site"), CANDOUR_CONTENT_DIR=str(ROOT / "content"),
               RUST_LOG="error")
    subprocess.run([str(BINARY), "user", "create-admin", "--email", "crash@example.org", "--name",
                    "Crash"], input=PASSWORD + "\n", text=True, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    acknowledged, lock = [], threading.Lock()
    random.seed(7)
    for round_ in range(KILLS):
        server = subprocess.Popen([str(BINARY), "serve"], env=env)
        wait_for(PORT)
        cookie = sign_in()
        threads = [threading.Thread(target=writer, args=(cookie, round_, n, acknowledged, lock))
                   for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(0.5, 2.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        for thread in threads:
            thread.join()
    server = subprocess.Popen([str(BINARY), "serve"], env=env)
    try:
        wait_for(PORT)
        db = sqlite3.connect(work / "candour.db")
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        counts = dict(db.execute(
            "SELECT title, COUNT(*) FROM reports WHERE title LIKE 'Crashtest report%' GROUP BY title"))
        published = db.execute("SELECT COUNT(*) FROM reports WHERE title LIKE 'Crashtest report%'"
                               " AND state = 'published'").fetchone()[0]
        db.close()
        found = -1
        for _ in range(200):
            conn = http.client.HTTPConnection("127.0.0.1", PORT)
            conn.request("GET", "/api/v1/search?q=crashtest&per_page=1")
            found = json.loads(conn.getresponse().read())["total"]
            if found == published:
                break
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    missing = [t for t in acknowledged if counts.get(t, 0) == 0]
    doubled = [t for t, n in counts.items() if n > 1]
    unacknowledged = len(counts) - len(set(acknowledged))
    print(f"{KILLS} kill -9 during {WRITERS} concurrent writers ({BINARY.name})")
    print(f"- publications acknowledged: {len(acknowledged)}")
    print(f"- acknowledged but missing: {len(missing)}")
    print(f"- present more than once: {len(doubled)}")
    print(f"- committed but never acknowledged (the reply was lost in the kill): {unacknowledged}")
    print(f"- integrity_check: {integrity}")
    print(f"- search finds {found} of {published} published reports")
    if missing or doubled or integrity != "ok" or found != published:
        raise SystemExit("FAILED")


if __name__ == "__main__":
    main()
