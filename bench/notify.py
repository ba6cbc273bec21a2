#!/usr/bin/env python3
"""Notification benchmark: 10,000 confirmed subscribers to the whole register, one status
change. Measures the time from recording the change until the local SMTP server has
accepted every message, Candour's peak memory (VmHWM) before and after, and the latency of a
public page (p50/p99) while the emails go out compared with the same page at rest.

Side by side in the same run, the floor: Python's smtplib sending the same number of
messages of the same size to the same SMTP server over one connection, which is as fast as
that server accepts mail.

Run from the repository root after scripts/build and scripts/setup (which installs aiosmtpd
into target/pyenv): `python3 bench/notify.py`. BENCH_SUBSCRIBERS changes the count.
"""
import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from common import percentile, wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target/release/candour"
PYTHON = ROOT / "target/pyenv/bin/python"
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "10000"))
PORT = 3214
PASSWORD = "harbour lantern thistle"
PAGE = "/actions/PP-2"


def start_sink(directory):
    sink = subprocess.Popen(
        [str(PYTHON), str(ROOT / "scripts/smtp_sink.py"), "--dir", str(directory)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = sink.stdout.readline().strip()
    assert line.startswith("port "), line
    return sink, int(line.split()[1])


def count_files(directory):
    return sum(1 for entry in os.scandir(directory) if entry.name.endswith(".eml"))


def wait_for_mail(directory, expected, timeout=900):
    start = time.perf_counter()
    while count_files(directory) < expected:
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"only {count_files(directory)} of {expected} emails arrived")
        time.sleep(0.05)
    return time.perf_counter() - start


class Session:
    """A signed-in browser: one cookie, no redirects followed."""

    def __init__(self, port):
        self.port = port
        self.cookie = ""

    def request(self, method, path, fields=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        headers = {"cookie": self.cookie}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["content-type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("set-cookie") or []:
            self.cookie = value.split(";")[0]
        return response.status, text


def record_change(session, reference):
    status, form = session.request("GET", f"/admin/actions/{reference}")
    assert status == 200, status
    revision = re.search(r'name="revision" value="([^"]+)"', form).group(1)
    today = date.today()
    fields = {
        "status": "in-progress", "changed_on-day": today.day, "changed_on-month": today.month,
        "changed_on-year": today.year, "note": "Work has started (benchmark).",
        "team": "PPIE Team", "summary": "Where it stands now.", "what_we_did": "We began the work.",
        "progress": "10", "target-day": "", "target-month": "", "target-year": "",
        "revision": revision,
    }
    status, _ = session.request("POST", f"/admin/actions/{reference}/check", fields)
    assert status == 200, status
    status, _ = session.request("POST", f"/admin/actions/{reference}/update", fields)
    assert status == 303, status


def memory_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def page_latencies(stop, out):
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    while not stop.is_set():
        start = time.perf_counter()
        conn.request("GET", PAGE)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        out.append((time.perf_counter() - start) * 1000)
        time.sleep(0.01)
    conn.close()


def smtplib_floor(port, count, size, directory):
    """Sends `count` messages of about `size` bytes; done when the server has them all (the
    sink writes them into the same folder, after the ones already there)."""
    already = count_files(directory)
    body = "x" * size
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            message = EmailMessage()
            message["From"] = "Candour <no-reply@example.org>"
            message["To"] = f"floor{i}@example.org"
            message["Subject"] = "PP-2 is now In progress"
            message.set_content(body)
            smtp.send_message(message)
    wait_for_mail(directory, already + count)
    return time.perf_counter() - start


def main():
    if not BINARY.exists():
        raise SystemExit("build first: scripts/build")
    if not PYTHON.exists():
        raise SystemExit("install aiosmtpd first: scripts/setup")
    work = Path(tempfile.mkdtemp(prefix="candour-notify-bench-"))
    mail_dir = work / "mail"
    sink, smtp_port = start_sink(mail_dir)
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work / "data"), CANDOUR_ADDR=f"127.0.0.1:{PORT}",
               CANDOUR_SITE_DIR=str(ROOT / "target/site"), CANDOUR_CONTENT_DIR=str(ROOT / "content"),
               CANDOUR_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
               CANDOUR_MAIL_FROM="Candour <no-reply@example.org>", RUST_LOG="warn")
    subprocess.run([str(BINARY), "user", "create-admin", "--email", "bench@example.org",
                    "--name", "Bench"], input=PASSWORD + "\n", text=True, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    database = sqlite3.connect(work / "data" / "candour.db")
    at = "2026-11-01T00:00:00Z"
    with database:
        for i in range(SUBSCRIBERS):
            cursor = database.execute(
                "INSERT INTO subscriptions (email, token, frequency, created_at, confirmed_at)"
                " VALUES (?, ?, 'immediately', ?, ?)",
                (f"subscriber{i}@example.org", f"{i:064x}", at, at))
            database.execute(
                "INSERT INTO subscription_topics (subscription_id, topic, requested_at, confirmed_at)"
                " VALUES (?, 'register', ?, ?)", (cursor.lastrowid, at, at))
    database.close()

    server = subprocess.Popen([str(BINARY), "serve"], env=env)
    try:
        wait_for(PORT)
        session = Session(PORT)
        status, _ = session.request("POST", "/sign-in", {"email": "bench@example.org",
                                                          "password": PASSWORD, "next": "/admin"})
        assert status == 303, status
        # The page at rest.
        at_rest = []
        stop = threading.Event()
        reader = threading.Thread(target=page_latencies, args=(stop, at_rest))
        reader.start()
        time.sleep(5)
        stop.set()
        reader.join()
        rss_before = memory_kb(server.pid, "VmRSS")

        during = []
        stop = threading.Event()
        reader = threading.Thread(target=page_latencies, args=(stop, during))
        start = time.perf_counter()
        record_change(session, "PP-2")
        recorded = time.perf_counter() - start
        reader.start()
        wait_for_mail(mail_dir, SUBSCRIBERS)
        delivered = time.perf_counter() - start
        stop.set()
        reader.join()
        peak = memory_kb(server.pid, "VmHWM")
        sample = next(p for p in mail_dir.iterdir() if p.suffix == ".eml")
        size = sample.stat().st_size
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    floor = smtplib_floor(smtp_port, SUBSCRIBERS, size, mail_dir)
    sink.stdin.close()
    sink.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

    print(f"{SUBSCRIBERS:,} confirmed subscribers to the register, one status change "
          f"(emails of {size:,} bytes)\n")
    print("| | time | per second |")
    print("|---|---|---|")
    print(f"| Candour: change recorded (check + update, outbox rows written) | {recorded * 1000:.0f} ms | |")
    print(f"| Candour: every email accepted by the SMTP server | {delivered:.1f} s | {SUBSCRIBERS / delivered:,.0f} |")
    print(f"| smtplib, one connection, same server and size (the floor) | {floor:.1f} s | {SUBSCRIBERS / floor:,.0f} |")
    print(f"\nCandour memory: {rss_before / 1024:.0f} MiB resident before the change, "
          f"peak {peak / 1024:.0f} MiB (VmHWM) by the end")
    print(f"\n| {PAGE} | requests | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for label, times in [("at rest", at_rest), ("while the emails go out", during)]:
        print(f"| {label} | {len(times)} | {percentile(times, 50):.1f} | {percentile(times, 99):.1f} |")


if __name__ == "__main__":
    sys.exit(main())
