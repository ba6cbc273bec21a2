#!/usr/bin/env python3
"""Search benchmark: 10,000 generated recommendations and 1,000 generated reports (300 to
1,500 words each), plus the real reports, values, priorities and engagements. Reports the
full index build time and p50/p99 latency of the 20 queries in bench/search_queries.txt,
through the HTTP endpoint (/api/v1/search) and through the search module alone
(server/examples/search_bench.rs), and, side by side in the same run, SQLite FTS5 (porter
stemming, bm25 with the same field weights, snippets) on the recommendations and published
reports (the values, priorities and engagements, a few dozen documents, are tantivy's only).
Run from the repository root after scripts/build: `python3 bench/search.py`
(BENCH_RECOMMENDATIONS, BENCH_REPORTS and BENCH_REPEATS change the sizes).
"""
import http.client
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from common import percentile as pct, wait_for

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target/release/candour"
COUNT = int(os.environ.get("BENCH_RECOMMENDATIONS", "10000"))
REPORTS = int(os.environ.get("BENCH_REPORTS", "1000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "50"))
PORT = 3212
QUERIES = [q for q in (ROOT / "bench/search_queries.txt").read_text().splitlines() if q.strip()]


def fts5(db_path, work):
    """The recommendations and published reports in an FTS5 table, columns weighted as in
    tantivy; returns the document count, build seconds and per-query times."""
    source = sqlite3.connect(db_path)
    rows = source.execute(
        "SELECT r.reference, r.reference || ': ' || r.title, r.summary,"
        " r.what_you_said_md || ' ' || r.what_we_did_md || ' ' || s.name || ' ' || e.name || ' ' ||"
        " COALESCE((SELECT group_concat(v.name, ' ') FROM recommendation_values l JOIN core_values v ON v.id = l.value_id"
        "           WHERE l.recommendation_id = r.id), '') || ' ' ||"
        " COALESCE((SELECT group_concat(p.name, ' ') FROM recommendation_priorities l JOIN research_priorities p"
        "           ON p.id = l.priority_id WHERE l.recommendation_id = r.id), '')"
        " FROM recommendations r JOIN statuses s ON s.key = r.status_key"
        " JOIN engagements e ON e.id = r.engagement_id").fetchall()
    # Reports as tantivy has them (app/src/search/index/documents.rs): published only; title,
    # summary and body (Markdown, like the recommendation bodies above); no reference.
    rows += source.execute(
        "SELECT '', title, summary, body_md FROM reports WHERE state = 'published'").fetchall()
    fts = sqlite3.connect(work / "fts.db")
    started = time.perf_counter()
    fts.execute("CREATE VIRTUAL TABLE docs USING fts5(reference, title, summary, body, tokenize='porter unicode61')")
    fts.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
    fts.commit()
    build = time.perf_counter() - started
    results = {}
    for q in QUERIES:
        # FTS5 syntax differs: phrases are the same, -word becomes NOT, words are ANDed.
        words = [w for w in q.replace('"', ' " ').split() if w]
        expr, negated, in_phrase, phrase = [], [], False, []
        for w in words:
            if w == '"':
                if in_phrase:
                    expr.append('"' + " ".join(phrase) + '"')
                    phrase = []
                in_phrase = not in_phrase
            elif in_phrase:
                phrase.append(w)
            elif w.startswith("-") and len(w) > 1:
                negated.append('"' + w[1:] + '"')
            else:
                expr.append('"' + w + '"')
        match = " AND ".join(expr) + "".join(f" NOT {n}" for n in negated)
        times, total = [], 0
        for _ in range(REPEATS):
            t = time.perf_counter()
            total = fts.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
            fts.execute(
                "SELECT reference, snippet(docs, 3, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ?"
                " ORDER BY bm25(docs, 5.0, 3.0, 2.0, 1.0) LIMIT 10", (match,)).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        results[q] = (total, pct(times, 50), pct(times, 99))
    return len(rows), build, results


def main():
    if not BINARY.exists():
        sys.exit("build first: scripts/build")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "server", "--example", "search_bench"], cwd=ROOT, check=True)
    work = Path(tempfile.mkdtemp(prefix="candour-search-bench-"))
    content = work / "content"
    subprocess.run([sys.executable, str(ROOT / "bench/generate_register.py"), str(content), str(COUNT), str(REPORTS)],
                   check=True)
    env = dict(os.environ, CANDOUR_DATA_DIR=str(work / "data"), CANDOUR_CONTENT_DIR=str(content),
               CANDOUR_ADDR=f"127.0.0.1:{PORT}", CANDOUR_SITE_DIR=str(ROOT / "target/site"), RUST_LOG="warn")
    subprocess.run([str(BINARY), "import"], env=env, check=True, stdout=subprocess.DEVNULL)
    db_path = work / "data/candour.db"
    module = subprocess.run(
        [str(ROOT / "target/release/examples/search_bench"), f"sqlite://{db_path}", str(work), str(REPEATS)],
        check=True, capture_output=True, text=True).stdout.splitlines()
    build_line = [l.split("\t") for l in module if l.startswith("build")][0]
    module_times = {parts[1]: parts[2:] for parts in (l.split("\t") for l in module if l.startswith("query"))}
    server = subprocess.Popen([str(BINARY), "serve"], env=env)
    try:
        wait_for(PORT)
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        http_times = {}
        for q in QUERIES:
            path = "/api/v1/search?q=" + urllib.parse.quote_plus(q)
            times = []
            for _ in range(REPEATS):
                t = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                times.append((time.perf_counter() - t) * 1000)
                assert response.status == 200
            http_times[q] = (pct(times, 50), pct(times, 99))
        fts_documents, fts_build, fts_results = fts5(db_path, work)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\n{COUNT:,} generated recommendations, {REPORTS:,} generated reports, plus the real reports, "
          f"values, priorities and engagements: {build_line[1]} documents in tantivy, {fts_documents} in FTS5 "
          f"(recommendations and published reports); tantivy full build {float(build_line[2]):.2f} s; "
          f"SQLite FTS5 build {fts_build:.2f} s; {REPEATS} runs per query\n")
    print("| query | tantivy hits | HTTP p50 / p99 ms | module p50 / p99 ms | FTS5 hits | FTS5 p50 / p99 ms |")
    print("|---|---|---|---|---|---|")
    for q in QUERIES:
        total, m50, m99 = module_times[q]
        h50, h99 = http_times[q]
        f_total, f50, f99 = fts_results[q]
        print(f"| `{q}` | {total} | {h50:.2f} / {h99:.2f} | {float(m50):.2f} / {float(m99):.2f} | {f_total} | {f50:.2f} / {f99:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
