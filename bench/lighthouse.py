#!/usr/bin/env python3
"""Lighthouse: the four Lighthouse category scores (performance, accessibility, best practices,
SEO, each 0-100) and the Core Web Vitals it measures (LCP, FCP, TBT, CLS) for six public
pages of the release build with the seeded content. Runs the Lighthouse CLI from the npm
registry (node_modules/.bin/lighthouse, installed by scripts/setup) in Debian's headless
Chromium with its default mobile simulation (a mid-range phone on slow 4G, simulated
throttling), one page at a time. Goal: 100 in all four categories and LCP <= 1.0 s on every
page. For each score below 100 it lists the failing audits that count towards it.
Run from the repository root after scripts/build: `python3 bench/lighthouse.py`
(BENCH_BINARY picks another build; BENCH_URL, e.g. http://127.0.0.1:3001, measures a server
that is already running instead of starting one).
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from common import seeded_server

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("BENCH_BINARY", ROOT / "target/release/candour"))
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROME = "/usr/bin/chromium"
PORT = 3217
PAGES = ["/", "/actions", "/actions/PP-17", "/reports/quarterly-summary-2026-q3",
         "/policies/data-access", "/search?q=data"]
CATEGORIES = [("performance", "performance"), ("accessibility", "accessibility"),
              ("best-practices", "best practices"), ("seo", "SEO")]
LCP_GOAL = 1.0  # seconds


def lighthouse(url, out, tries=3):
    """Runs the Lighthouse CLI on one URL and returns its report (the LHR) as a dict. Headless
    Chromium now and then loses a trace (NO_NAVSTART): such a run is tried again."""
    for attempt in range(tries):
        try:
            return lighthouse_once(url, out)
        except RuntimeError as error:
            if attempt == tries - 1:
                sys.exit(str(error))
            print(f"{error}; trying again", file=sys.stderr)


def lighthouse_once(url, out):
    run = subprocess.run([str(LIGHTHOUSE), url, "--chrome-flags=--headless=new --no-sandbox",
                          "--output=json", f"--output-path={out}", "--quiet"],
                         cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, CHROME_PATH=CHROME))
    if run.returncode != 0 or not Path(out).exists():
        raise RuntimeError(f"lighthouse failed on {url} (exit {run.returncode}): {run.stderr.strip()}")
    report = json.loads(Path(out).read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not measure {url}: {report['runtimeError'].get('message')}")
    return report


def score(report, category):
    """A category's score 0-100, or None when Lighthouse could not compute it."""
    value = report["categories"].get(category, {}).get("score")
    return None if value is None else round(value * 100)


def failing(report, category):
    """Markdown list lines: the audits that fail and count towards a category, with examples."""
    audits = report["audits"]
    titles = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            titles.append(f"- {audit['title']}{value}, score {audit['score']:.2f}, weight {ref['weight']}")
            titles += [f"  - {example}" for example in examples(audit)]
    return titles


def examples(audit, most=3):
    """Up to MOST one-line examples of what an audit found (a console message, a URL, an element)."""
    found = []
    for item in (audit.get("details") or {}).get("items", [])[:most]:
        text = item.get("description") or item.get("url") or (item.get("node") or {}).get("snippet")
        if isinstance(text, str):
            found.append(" ".join(text.split())[:200])
    return found


def measure(base):
    """Runs Lighthouse on every page of PAGES at BASE and returns [(path, report)]."""
    with tempfile.TemporaryDirectory() as tmp:
        return [(path, lighthouse(base + path, Path(tmp) / f"{n}.json")) for n, path in enumerate(PAGES)]


def main():
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run scripts/setup first")
    if not Path(CHROME).exists():
        sys.exit(f"{CHROME} is missing: run scripts/setup --browser first")
    base = os.environ.get("BENCH_URL", "").rstrip("/")
    if base:
        reports = measure(base)
    else:
        if not BINARY.exists():
            sys.exit(f"{BINARY} is missing: run scripts/build first (or set BENCH_URL)")
        with seeded_server(BINARY, PORT) as base:
            reports = measure(base)

    print("| page | performance | accessibility | best practices | SEO | LCP s | FCP s | TBT ms | CLS |")
    print("|---|---|---|---|---|---|---|---|---|")
    met = True
    fixes = []
    for path, report in reports:
        scores = [score(report, category) for category, _ in CATEGORIES]
        audits = report["audits"]
        lcp = audits["largest-contentful-paint"]["numericValue"] / 1000
        fcp = audits["first-contentful-paint"]["numericValue"] / 1000
        tbt = audits["total-blocking-time"]["numericValue"]
        cls = audits["cumulative-layout-shift"]["numericValue"]
        met = met and all(s == 100 for s in scores) and lcp <= LCP_GOAL
        cells = " | ".join("n/a" if s is None else str(s) for s in scores)
        print(f"| `{path}` | {cells} | {lcp:.2f} | {fcp:.2f} | {tbt:.0f} | {cls:.3f} |")
        for (category, name), s in zip(CATEGORIES, scores):
            if s is not None and s < 100:
                fixes.append((path, name, s, failing(report, category)))
    print(f"\ngoal (100 in all four categories and LCP <= {LCP_GOAL:.1f} s on every page): "
          f"{'met' if met else 'not met'}")
    for path, name, s, titles in fixes:
        print(f"\n`{path}` {name} {s}:")
        print("\n".join(titles or ["- (no single failing audit: the score is below 100 on its metrics)"]))


if __name__ == "__main__":
    main()
