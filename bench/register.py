#!/usr/bin/env python3
"""Register benchmark: 10,000 generated recommendations with ~50,000 history entries.

Measures the server time of /actions (first page, a filtered page, page 200, as_of) and
/actions/{ref} against the release build (the first request, which computes the page, and
then p50/p99 of repeated requests, which the register cache answers), and, side by side in the same run, nginx
serving the very same bytes (saved responses) as a floor for "just sending the page".
Run from the repository root after scripts/build: `python3 bench/register.py`.
"""
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from common import percentile, wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target/release/candour"
COUNT = int(os.environ.get("BENCH_RECOMMENDATIONS", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
PORT, NGINX_PORT = 3210, 3211
PAGES = {
    "/actions (first page)": "/actions",
    "/actions filtered": "/actions?status=in-progress&value=transparency&sort=updated",
    "/actions page 200": "/actions?page=200",
    "/actions as_of": "/actions?as_of=2024-06-30",
    "/actions/{ref}": "/actions/PP-1234",
}


def timed_gets(port, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    body = b""
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, (path, response.status)
    conn.close()
    return times, body


def main():
    if not BINARY.exists():
        sys.exit("build first: scripts/build")
    work = Path(tempfile.mkdtemp(prefix="candour-bench-"))
    work.chmod(0o755)  # nginx workers run as another user
    content = work / "content"
    subprocess.run([sys.executable, str(ROOT / "bench/generate_register.py"), str(content), str(COUNT)], check=True)
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work / "data"), CANDOUR_CONTENT_DIR=str(content),
               CANDOUR_ADDR=f"127.0.0.1:{PORT}", CANDOUR_SITE_DIR=str(ROOT / "target/site"),
               RUST_LOG="warn,server::startup=info")
    started = time.perf_counter()
    subprocess.run([str(BINARY), "import"], env=env, check=True, stdout=subprocess.DEVNULL)
    import_seconds = time.perf_counter() - started
    log = work / "server.log"
    server = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=log.open("w"))
    nginx = None
    try:
        wait_for(PORT)
        # Start-up builds the search index from the database (some seconds at this size, on
        # the same two cores): the pages are measured once it has, as they would be after
        # any later change.
        deadline = time.time() + 120
        while "search index rebuilt" not in log.read_text() and time.time() < deadline:
            time.sleep(0.2)
        # Other pages first, as a running server would have served: the database pool's
        # connections are opened then, not inside the first register page measured.
        for path in ("/", "/reports", "/values"):
            timed_gets(PORT, path, 3)
        saved = work / "static"
        results = []
        for label, path in PAGES.items():
            # The first request computes the page; later ones reuse the result until the
            # content changes (the register cache), so both are reported.
            first, _ = timed_gets(PORT, path, 1)
            timed_gets(PORT, path, 5)
            times, body = timed_gets(PORT, path, REQUESTS)
            name = f"page{len(results)}.html"
            (saved / name).parent.mkdir(parents=True, exist_ok=True)
            (saved / name).write_bytes(body)
            results.append((label, name, first[0], times, len(body)))
        if shutil.which("nginx"):
            conf = work / "nginx.conf"
            conf.write_text(
                f"daemon off; worker_processes 1; pid {work}/nginx.pid; error_log stderr error;\n"
                f"events {{}}\nhttp {{ access_log off; server {{ listen 127.0.0.1:{NGINX_PORT};\n"
                f"location = /healthz {{ return 200 'ok'; }}\nlocation / {{ root {saved}; default_type text/html; }} }} }}\n")
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)])
            wait_for(NGINX_PORT)
        print(f"\n{COUNT} recommendations, {REQUESTS} sequential requests per page on one keep-alive connection;")
        print(f"import of the generated content: {import_seconds:.1f} s\n")
        print("| page | bytes | Candour first request ms | Candour p50 ms | Candour p99 ms | nginx same bytes p50 ms | nginx p99 ms |")
        print("|---|---|---|---|---|---|---|")
        for label, name, first, times, size in results:
            if nginx:
                timed_gets(NGINX_PORT, f"/{name}", 5)
                static, _ = timed_gets(NGINX_PORT, f"/{name}", REQUESTS)
                floor = f"{percentile(static, 50):.2f} | {percentile(static, 99):.2f}"
            else:
                floor = "n/a (apt-get install nginx) | n/a"
            print(f"| {label} | {size} | {first:.2f} | {percentile(times, 50):.2f} | {percentile(times, 99):.2f} | {floor} |")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
