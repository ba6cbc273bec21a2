#!/usr/bin/env python3
"""Page weight: the bytes a browser fetches for each public page, compressed as served, on a
first visit (empty cache) and on a repeat visit (the page opened after another page of the
site). Drives Debian's Chromium with Playwright (bench/weight.mjs) against the release
build with the seeded content. Goals (issue 18): a first visit <= 150 KB, a repeat visit
<= 20 KB, and no WebAssembly where a page has no island.
Run from the repository root after scripts/build: `python3 bench/weight.py`
(BENCH_BINARY picks another build).
"""
import json
import os
import subprocess
import sys
from pathlib import Path
from common import seeded_server

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("BENCH_BINARY", ROOT / "target/release/candour"))
PORT = 3214
PAGES = ["/", "/actions", "/actions?status=in-progress", "/actions/PP-17", "/you-said-we-did",
         "/reports", "/reports/quarterly-summary-2026-q3", "/policies/data-access",
         "/search?q=data", "/values"]
FIRST_GOAL, REPEAT_GOAL = 150_000, 20_000


def main():
    if not BINARY.exists():
        sys.exit(f"{BINARY} is missing: run scripts/build first")
    with seeded_server(BINARY, PORT) as base:
        out = subprocess.run(["node", str(ROOT / "bench/weight.mjs"), base, *PAGES],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
    print("| page | first visit KB | requests | WebAssembly | repeat visit KB | met |")
    print("|---|---|---|---|---|---|")
    worst_first = worst_repeat = 0
    for line in out.splitlines():
        row = json.loads(line)
        first, repeat = row["first"], row["repeat"]
        wasm = any(path.endswith(".wasm") for path, _ in first["files"])
        met = first["total"] <= FIRST_GOAL and repeat["total"] <= REPEAT_GOAL
        worst_first, worst_repeat = max(worst_first, first["total"]), max(worst_repeat, repeat["total"])
        print(f"| `{row['path']}` | {first['total'] / 1000:.1f} | {len(first['files'])} | "
              f"{'yes' if wasm else 'no'} | {repeat['total'] / 1000:.1f} | {'yes' if met else 'no'} |")
    print(f"\nlargest first visit {worst_first / 1000:.1f} KB (goal {FIRST_GOAL // 1000}), "
          f"largest repeat visit {worst_repeat / 1000:.1f} KB (goal {REPEAT_GOAL // 1000})")


if __name__ == "__main__":
    main()
