#!/usr/bin/env python3
"""Checks Candour's pages with the W3C Nu HTML Checker (the `vnu-jar` npm package, run with
Debian's Java): public pages signed out, then staff and account pages signed in as an
administrator, each fetched from a fresh server. Prints every error and exits 1 if there is
one. Usage: scripts/check_html.py BINARY (scripts/test passes the debug build).
"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import wait_for  # noqa: E402  (waiting for /healthz, shared with the benchmarks)

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
PORT = 3109
PASSWORD = "harbour lantern thistle"
PUBLIC = [
    "/", "/actions", "/actions?status=in-progress&sort=updated", "/actions?page=99",
    "/actions/PP-1", "/actions/SH-2", "/actions/DCF-13", "/you-said-we-did", "/engagement",
    "/values", "/values/transparency", "/priorities", "/reports", "/policies",
    "/policies/data-access", "/policies/data-access/versions", "/policies/data-access/versions/1",
    "/policies/data-access/compare", "/policies/data-access/moderation",
    "/actions?friends_view=disagree", "/search?q=data", "/search?q=commercila", "/search",
    "/contact", "/privacy", "/accessibility", "/sign-in", "/forgot-password",
    "/subscribe?topic=register", "/subscriptions/left", "/no-such-page",
]
SIGNED_IN = [
    "/account", "/admin", "/admin/actions", "/admin/actions/PP-1", "/admin/actions/new?engagement=public-panel",
    "/admin/engagements", "/admin/engagements/public-panel", "/admin/content",
    "/admin/values/transparency", "/admin/pages/contact", "/admin/glossary",
    "/admin/reports", "/admin/reports/new", "/admin/policies", "/admin/policies/new",
    "/admin/policies/1", "/admin/policies/1/answers",
    "/admin/users", "/admin/audit", "/admin/email", "/review",
]


def fetch(path, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    conn.request("GET", path, headers={"cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    kind = response.getheader("content-type") or ""
    assert kind.startswith("text/html"), (path, kind)
    return body


def sign_in():
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    body = urllib.parse.urlencode({"email": "html@example.org", "password": PASSWORD, "next": "/account"})
    conn.request("POST", "/sign-in", body, {"content-type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 303, response.status
    return response.getheader("set-cookie").split(";")[0]


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/debug/candour")
    work = Path(tempfile.mkdtemp(prefix="candour-html-"))
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work / "data"), CANDOUR_ADDR=f"127.0.0.1:{PORT}",
               CANDOUR_CONTENT_DIR=str(ROOT / "content"), CANDOUR_SITE_DIR=str(ROOT / "target/site"),
               RUST_LOG="warn")
    subprocess.run([str(binary), "user", "create-admin", "--email", "html@example.org", "--name",
                    "HTML Check"], input=PASSWORD + "\n", text=True, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([str(binary), "serve"], env=env)
    pages = work / "pages"
    pages.mkdir()
    try:
        wait_for(PORT)
        files = []
        for n, path in enumerate(PUBLIC):
            files.append((path, pages / f"public-{n:02d}.html"))
            files[-1][1].write_bytes(fetch(path))
        cookie = sign_in()
        for n, path in enumerate(SIGNED_IN):
            files.append((path, pages / f"signed-in-{n:02d}.html"))
            files[-1][1].write_bytes(fetch(path, cookie))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *[str(f) for _, f in files]],
        capture_output=True, text=True)
    names = {str(f): path for path, f in files}
    errors = [line for line in (checked.stdout + checked.stderr).splitlines() if line.strip()]
    for line in errors:
        # GNU format: "file:/tmp/…/public-03.html":12.5-12.40: error: message
        match = re.match(r'^"(?:file:)?([^"]+)":(\S*): (.*)$', line)
        if match:
            file, place, message = match.groups()
            print(f"{names.get(file, file)} (line {place}): {message}")
        else:
            print(line)
    shutil.rmtree(work, ignore_errors=True)
    print(f"check_html: {len(files)} pages, {len(errors)} errors (W3C Nu HTML Checker)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
