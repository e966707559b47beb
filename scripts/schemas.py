"""Write every JSON Schema of `wa_templates.render.schemas` to schema/NAME.schema.json (`--check`
to only compare). A test compares them too, so the committed schemas cannot go stale."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from wa_templates.render.schemas import SCHEMAS, schema_of

FOLDER = Path(__file__).resolve().parent.parent / "schema"


def main(argv: list[str]) -> int:
    stale = []
    for name in SCHEMAS:
        path = FOLDER / f"{name}.schema.json"
        text = json.dumps(schema_of(name), indent=2) + "\n"
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"stale: {', '.join(stale)}; run python scripts/schemas.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
