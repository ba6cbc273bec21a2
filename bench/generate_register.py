#!/usr/bin/env python3
"""Writes a content/ folder with N generated recommendations (5 history entries each on
average) for the register benchmark. Usage: generate_register.py OUT_DIR [N]"""
import random
import shutil
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
random.seed(42)

if out.exists():
    shutil.rmtree(out)
shutil.copytree(root / "content", out, ignore=shutil.ignore_patterns("recommendations"))
recs = out / "recommendations"
recs.mkdir()

engagements = [("seldom-heard", "SH"), ("public-panel", "PP"), ("policy-review", "DCF")]
values = ["public-benefit", "transparency", "privacy-security", "fairness", "accountability", "public-involvement"]
priorities = ["mental-health", "dementia-ageing", "health-inequalities", "children-young-people", "long-term-conditions", "cancer"]
def status_path():
    """1 to 9 entries (5 on average): considered, agreed, progress updates, an outcome."""
    length = random.randint(1, 9)
    path = ["under-consideration", "agreed"][:length]
    while len(path) < length - 1:
        path.append("in-progress")
    if length > 2:
        path.append(random.choice(["implemented", "partly-implemented", "in-progress"]))
    return path


words = ("data access governance transparency commercial opt-out security research public "
         "panel community register audit consent benefit safeguards trust report").split()
numbers = {prefix: 0 for _, prefix in engagements}
for i in range(count):
    key, prefix = engagements[i % 3]
    numbers[prefix] += 1
    ref = f"{prefix}-{numbers[prefix]}"
    path = status_path()
    year, month = 2023, random.randint(1, 12)
    raised = f"{year}-{month:02d}-01"
    history = []
    previous = None
    for step, status in enumerate(path):
        day = f"{2023 + (month + step * 2) // 12:04d}-{(month + step * 2) % 12 + 1:02d}-15"
        history.append((day, previous, status))
        previous = status
    title = " ".join(random.choice(words) for _ in range(6)).capitalize()
    lines = [
        "+++",
        f'ref = "{ref}"',
        f'title = "{title}"',
        f'engagement = "{key}"',
        f"raised = {raised}",
        f"values = {random.sample(values, 2)!r}".replace("'", '"'),
        f"priorities = {random.sample(priorities, 1)!r}".replace("'", '"'),
        'team = "SDE Governance Team"',
        f'status = "{previous}"',
        f'summary = "{title}. Generated for the benchmark."',
        'what_you_said = "We want ' + " ".join(random.choice(words) for _ in range(20)) + '."',
    ]
    for day, before, status in history:
        lines += ["", "[[history]]", f"date = {day}"]
        if before:
            lines.append(f'from = "{before}"')
        lines += [f'to = "{status}"', 'note = "Generated status change."', 'team = "PPIE Team"']
    lines += ["+++", "", "We " + " ".join(random.choice(words) for _ in range(60)) + "."]
    (recs / f"{ref}.md").write_text("\n".join(lines) + "\n")
print(f"wrote {count} recommendations to {recs}")
