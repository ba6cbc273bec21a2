#!/usr/bin/env python3
"""Writes a content/ folder for the register and search benchmarks: the real content (its
engagements, values, priorities, pages and reports, but not its recommendations), N generated
recommendations (5 history entries each on average) and, optionally, REPORTS generated
published reports (reports/gen-report-1.md, ...: a mix of quarterly summaries, project
reports and briefings of 300 to 1,500 words, each linked to 0 to 3 of the generated
recommendations, 1 or 2 values and 0 or 1 priority). Seeded, so every run writes the same
files. Usage: generate_register.py OUT_DIR [N] [REPORTS]   (N defaults to 10,000,
REPORTS to 0)"""
import random
import shutil
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
report_count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
random.seed(42)

if out.exists():
    shutil.rmtree(out)
# Everything but the real recommendations, so the real reports (content/reports) come along;
# their references (up to PP-32, SH-7, DCF-35) exist once N is 105 or more.
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

# Reports, after the recommendations so that these stay exactly as before (same seed, same
# sequence of random numbers). Bodies use the same small vocabulary as the recommendations,
# with a few fixed headings, now and then a bullet list or a table, and the references of
# the recommendations they link to.
reports = out / "reports"
reports.mkdir(exist_ok=True)
references = [f"{prefix}-{n}" for _, prefix in engagements for n in range(1, numbers[prefix] + 1)]
headings = ["At a glance", "Background", "What we heard", "What we did", "What we changed",
            "What happens next", "Next steps"]
months = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
# A quarterly summary is dated in the month after its quarter: 2022 Q4 to 2026 Q3 keeps every
# date in 2023 to 2026.
quarters = [(2022, 4)] + [(year, q) for year in range(2023, 2027) for q in range(1, 5)][:-1]


def phrase(n):
    return " ".join(random.choice(words) for _ in range(n))


def sentence(n):
    return "We " + phrase(n - 1) + "."


def paragraph(n):
    """About n words in sentences of 6 to 18 words."""
    sentences, left = [], n
    while left > 0:
        size = max(2, min(left, random.randint(6, 18)))
        sentences.append(sentence(size))
        left -= size
    return " ".join(sentences)


def plain_summary():
    """Plain text of at most 300 characters (the importer refuses more)."""
    text = "We"
    for _ in range(random.randint(12, 30)):
        word = random.choice(words)
        if len(text) + 1 + len(word) + 1 > 300:
            break
        text += " " + word
    return text + "."


def body(target, linked):
    """A Markdown body of `target` words (300 to 1,500) in sections under ## headings."""
    blocks, written = [], 0
    mentioned = list(linked)
    fixed = ["At a glance"] + random.sample(headings[1:], len(headings) - 1)
    while written < target:
        heading = fixed.pop(0) if fixed and (not blocks or random.random() < 0.6) \
            else phrase(random.randint(2, 4)).capitalize()
        blocks.append(f"## {heading}")
        written += len(heading.split())
        for _ in range(random.randint(1, 3)):
            if written >= target:
                break
            size = min(target - written, random.randint(40, 120))
            text = paragraph(size)
            if mentioned and random.random() < 0.5:
                reference = mentioned.pop(0)
                text += f" This is about {reference}."
                written += 4
            blocks.append(text)
            written += size
        if written < target - 30 and random.random() < 0.1:
            items = [f"- {phrase(random.randint(4, 10)).capitalize()}" for _ in range(random.randint(3, 6))]
            blocks.append("\n".join(items))
            written += sum(len(item.split()) - 1 for item in items)
        if written < target - 30 and random.random() < 0.06:
            rows = ["| What we did | Number |", "|---|---|"]
            for _ in range(random.randint(3, 5)):
                rows.append(f"| {phrase(random.randint(2, 4)).capitalize()} | {random.randint(1, 250)} |")
            blocks.append("\n".join(rows))
            written += 4 + sum(len(row.split("|")[1].split()) + 1 for row in rows[2:])
    if mentioned:
        blocks.append("We " + phrase(random.randint(4, 8)) + " (" + ", ".join(mentioned) + ").")
    return "\n\n".join(blocks)


for i in range(1, report_count + 1):
    slug = f"gen-report-{i}"
    kind = random.choices(["quarterly-summary", "project-report", "briefing"], [3, 3, 4])[0]
    linked = random.sample(references, min(len(references), random.randint(0, 3)))
    lines = ["+++", f'slug = "{slug}"']
    if kind == "quarterly-summary":
        year, quarter = random.choice(quarters)
        first = (quarter - 1) * 3
        title = f"Quarterly summary: {months[first]} to {months[first + 2]} {year}"
        published = (year + 1, 1) if quarter == 4 else (year, first + 4)
        lines += [f'title = "{title}"', f'kind = "{kind}"', f'quarter = "{year} Q{quarter}"']
    else:
        title = phrase(random.randint(3, 6)).capitalize()
        title += random.choice(["", ": what we found", ": what it means", ": a briefing"]) if kind == "briefing" \
            else random.choice(["", ": what the panel decided", ": what we heard", " report"])
        published = (random.randint(2023, 2026), random.randint(1, 12))
        lines += [f'title = "{title}"', f'kind = "{kind}"']
    lines += [
        f"date = {published[0]:04d}-{published[1]:02d}-{random.randint(1, 28):02d}",
        f'summary = "{plain_summary()}"',
        'state = "published"',
        f"recommendations = {linked!r}".replace("'", '"'),
        f"values = {random.sample(values, random.randint(1, 2))!r}".replace("'", '"'),
        f"priorities = {random.sample(priorities, random.randint(0, 1))!r}".replace("'", '"'),
        "+++",
        body(random.randint(300, 1480), linked),  # a final sentence can add a few words
    ]
    (reports / f"{slug}.md").write_text("\n".join(lines) + "\n")
if report_count:
    print(f"wrote {report_count} reports to {reports}")
