"""check_paths: the parallel path must report exactly what the serial one does."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from wa_templates.channel.payload import from_payload
from wa_templates.files.model import TemplateFile
from wa_templates.rules.check import PARALLEL_MIN_FILES, check_paths, check_template

TEMPLATE = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: {body}
      examples: [Maria]
    footer:
      text: Example Co
"""


def _tree(root: Path, count: int) -> None:
    for i in range(count):
        name = f"notice_{i:04d}"
        body = f"Hello {{{{1}}}}, notice {i} is ready for you today."
        if i % 97 == 0:
            body = "Hello {{1}}, the same notice is ready for you today."  # WA111 across chunks
        folder = root / f"part_{i % 3}"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(TEMPLATE.format(name=name, body=body), "utf-8")
    # The same name in two folders that land in different worker chunks: WA011 on both.
    (root / "part_0" / "notice_0001.yaml").write_text(
        TEMPLATE.format(name="notice_0001", body="Hello {{1}}, a twin is ready for you."), "utf-8"
    )
    (root / "part_2" / "broken.yaml").write_text("name: [\n", "utf-8")


def test_parallel_validate_reports_exactly_what_serial_does(tmp_path: Path) -> None:
    _tree(tmp_path, PARALLEL_MIN_FILES + 20)
    serial = check_paths([tmp_path], jobs=1, keep_sources=False)
    parallel = check_paths([tmp_path], jobs=2, keep_sources=False)
    assert parallel.files == serial.files == PARALLEL_MIN_FILES + 22
    assert parallel.diagnostics == serial.diagnostics
    rules = {d.rule for d in parallel.diagnostics}
    assert {"WA001", "WA011", "WA111", "WA112"} <= rules
    assert len(parallel.sources) == len(serial.sources)


def test_plan_gets_the_same_models_from_workers_and_this_process_is_free_meanwhile(
    tmp_path: Path,
) -> None:
    _tree(tmp_path, PARALLEL_MIN_FILES + 20)
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(os.getpid())

    serial = check_paths([tmp_path], jobs=1, meanwhile=meanwhile)
    assert calls == []  # checked here: the caller does its work afterwards
    parallel = check_paths([tmp_path], jobs=2, meanwhile=meanwhile)
    assert calls == [os.getpid()]
    assert parallel.diagnostics == serial.diagnostics
    assert [s.path for s in parallel.sources] == [s.path for s in serial.sources]
    assert [s.template for s in parallel.sources] == [s.template for s in serial.sources]
    assert all(isinstance(s.template, TemplateFile) for s in parallel.sources)
    # From the workers, equal sets of the fields a file set are one set (plan's peak memory).
    first, second = (s.template for s in parallel.sources[:2])
    assert first.model_fields_set is second.model_fields_set
    assert first.languages["en_US"].body is not second.languages["en_US"].body
    assert (
        first.languages["en_US"].body.model_fields_set
        is second.languages["en_US"].body.model_fields_set
    )


def test_a_shared_set_of_fields_is_never_changed_through_a_copy() -> None:
    one, two = (
        TemplateFile.model_validate(
            {"name": name, "category": "UTILITY", "languages": {"en_US": {"body": {"text": "Hi"}}}}
        )
        for name in ("one", "two")
    )
    back_one, back_two = pickle.loads(pickle.dumps([one, two]))
    assert (back_one, back_two) == (one, two)
    assert back_one.model_fields_set is back_two.model_fields_set
    copied = back_one.model_copy(update={"allow_category_change": True})
    assert "allow_category_change" in copied.model_fields_set
    assert back_two.model_fields_set == one.model_fields_set == {"name", "category", "languages"}


def test_check_template_judges_a_payload_without_positions() -> None:
    payload = {
        "name": "t",
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": "x" * 1100}],
    }
    [diagnostic] = [d for d in check_template(from_payload(payload)) if d.rule == "WA202"]
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("<payload>", 1, 1)
