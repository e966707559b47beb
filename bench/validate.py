"""Benchmark: `validate` on 6,000 template files (the per-WABA maximum) x 2 languages.

Prints validate's wall time next to a floor measured in the same run on the same files: reading
and YAML-parsing them with libyaml's C loader and nothing else. Shared machines are noisy, so
the ratio is the figure that means something. Targets: ratio <= 1.5, under 3 s wall on 2 cores.

    python bench/validate.py [--files 6000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from wa_templates.rules.check import check_paths

WORDS = ["parcel", "order", "invoice", "booking", "ticket", "account", "delivery", "visit"]

TEMPLATE = """\
# yaml-language-server: $schema=../schema/template.schema.json
name: {name}
category: UTILITY
allow_category_change: false
languages:
  en_US:
    header:
      text: Update on your {word} {{{{1}}}}
      examples: ["A-{i}"]
    body:
      text: |
        Hello {{{{1}}}}, your {word} number {i} is confirmed for {{{{2}}}}.
        Reply to this message if anything looks wrong, we are here to help.
      examples: ["Maria", "Friday 10:00"]
    footer:
      text: Sent by Example Co
    buttons:
      - type: URL
        text: View {word}
        url: https://example.com/{word}/{{{{1}}}}
        examples: ["{i}"]
      - type: PHONE_NUMBER
        text: Call us
        phone_number: "+14155550100"
  es_MX:
    body:
      text: |
        Hola {{{{1}}}}, tu {word} número {i} está confirmado para el {{{{2}}}}.
        Responde a este mensaje si algo no está bien, estamos para ayudarte.
      examples: ["María", "viernes 10:00"]
    footer:
      text: Enviado por Example Co
    buttons:
      - type: QUICK_REPLY
        text: Todo bien
      - type: QUICK_REPLY
        text: Necesito ayuda
"""


def generate(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        word = WORDS[i % len(WORDS)]
        name = f"{word}_update_{i:05d}"
        sub = folder / f"group_{i // 500:02d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"{name}.yaml"
        path.write_text(TEMPLATE.format(name=name, word=word, i=i), encoding="utf-8")
        paths.append(path)
    return paths


def floor(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def validate(folder: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    report = check_paths([folder], keep_sources=False)
    return time.perf_counter() - start, report.files, report.errors


def cli(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wa_templates", "validate", str(folder)],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = generate(folder, args.files)
        floors, runs, clis = [], [], []
        for _ in range(args.repeat):
            floors.append(floor(paths))
            took, files, errors = validate(folder)
            runs.append(took)
            clis.append(cli(folder))
        if errors:
            print(f"generated templates have {errors} errors: the benchmark is broken")
            return 1
    best_floor, best_run, best_cli = min(floors), min(runs), min(clis)
    print(f"files: {files} x 2 languages, best of {args.repeat}")
    print(f"floor (read + CSafeLoader parse): {best_floor:6.2f} s")
    print(
        f"validate (in-process):            {best_run:6.2f} s   ratio {best_run / best_floor:.2f}"
        "  (target <= 1.5)"
    )
    print(
        f"wa-templates validate (CLI):      {best_cli:6.2f} s   ratio {best_cli / best_floor:.2f}"
        "  (target < 3 s wall)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
