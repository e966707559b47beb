"""Regenerate the rule table in README.md from the rule registry (`--check` to only compare).

The README's table is what users read; the registry is what validate runs. A test runs this with
`--check` so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wa_templates.rules.engine import all_rules

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def table() -> str:
    rows = ["| id | severity | applies to | rule | source |", "|---|---|---|---|---|"]
    for r in all_rules():
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {r.id} | {r.severity} | {r.scope_label} | {summary} | {r.source} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    updated = f"{head}{START}\n{table()}\n{END}{tail}"
    if "--check" in argv:
        if updated != text:
            print("README.md's rule table is out of date: run python scripts/readme_rules.py")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
