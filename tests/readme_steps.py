"""The README's command blocks as steps a test runs: read from the markup, run in a project copy.

See tests/test_readme_runs.py for the markup and the placeholders.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"^<!-- readme-test: (skip|file|patch)\b:? ?(.*?) ?-->$")
FENCE = re.compile(r"^(`{3,})([\w-]*)$")
RECEIVER_PORT = "8089"
"""The receiver's default port in the README; each run puts a free one in its place."""
PLACEHOLDERS = (
    (re.compile(r"sha256:[0-9a-f]{12}"), "sha256:<fingerprint>"),
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\dZ"), "<time>"),
)
COMMAND_TIMEOUT = 60.0


@dataclass(slots=True)
class Command:
    line: str
    expected: list[str]
    where: int
    """The README line of the command."""

    @property
    def background(self) -> bool:
        return self.line.endswith(" &")


@dataclass(slots=True)
class File:
    path: str
    content: str


@dataclass(slots=True)
class Patch:
    diff: str


Step = Command | File | Patch


class Mismatch(AssertionError):
    """A command's output differs from what the README shows."""


def section(readme: str, title: str) -> list[tuple[int, str]]:
    """The (line number, text) lines under `## title`, up to the next `## ` heading."""
    lines = readme.splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [(number + 1, lines[number]) for number in range(start, end)]


def steps(lines: list[tuple[int, str]]) -> list[Step]:
    """Every fenced block of the section as steps; a block that is neither commands (`$ `
    lines) nor marked (file, patch, skip) is an error, so no block escapes the test."""
    found: list[Step] = []
    marker: tuple[str, str] | None = None
    index = 0
    while index < len(lines):
        number, text = lines[index]
        index += 1
        if match := MARKER.match(text.strip()):
            marker = (match.group(1), match.group(2))
            continue
        fence = FENCE.match(text)
        if not fence:
            continue
        body: list[tuple[int, str]] = []
        while index < len(lines) and lines[index][1] != fence.group(1):
            body.append(lines[index])
            index += 1
        index += 1
        found.extend(_block(number, body, marker))
        marker = None
    return found


def _block(number: int, body: list[tuple[int, str]], marker: tuple[str, str] | None) -> list[Step]:
    text = "".join(line + "\n" for _, line in body)
    if marker is not None:
        kind, argument = marker
        if kind == "file":
            return [File(argument, text)]
        if kind == "patch":
            return [Patch(text)]
        return []
    if not body or not body[0][1].startswith("$ "):
        raise AssertionError(
            f"README.md:{number}: a block neither run ($ lines) nor marked "
            "(<!-- readme-test: file PATH | patch | skip: why -->)"
        )
    commands: list[Command] = []
    for where, line in body:
        if line.startswith("$ "):
            commands.append(Command(line[2:], [], where))
        else:
            commands[-1].expected.append(line)
    return list(commands)


@dataclass
class Runner:
    """Runs steps in `root` (a copy of the project) with the installed console script."""

    root: Path
    script: str
    env: dict[str, str] = field(default_factory=dict)
    port: str = RECEIVER_PORT
    background: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = dict(os.environ, **self.env)
        self.env["PATH"] = str(Path(self.script).parent) + os.pathsep + self.env["PATH"]
        for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "WA_TEMPLATES_API_KEY"):
            self.env.pop(name, None)
        self.env["COLUMNS"] = "100"
        self.port = str(_free_port())

    def run(self, step: Step) -> None:
        if isinstance(step, File):
            target = self.root / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.content, encoding="utf-8")
        elif isinstance(step, Patch):
            subprocess.run(
                ["git", "apply", "-"], input=step.diff.encode(), cwd=self.root, check=True
            )
        else:
            self.command(step)

    def command(self, step: Command) -> None:
        line = self._local(step.line)
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            self.env[name] = self._shell(f"printf %s {value}").strip()
            return
        if step.background:
            self._start(line)
            return
        actual = self._shell(line)
        expected = [self._local(text) for text in step.expected]
        compare(step, expected, actual)

    def _shell(self, line: str) -> str:
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        assert b"Traceback" not in done.stdout, done.stdout.decode()
        return done.stdout.decode()

    def _start(self, line: str) -> None:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {line.removesuffix(' &')}"],
            cwd=self.root,
            env=self.env,
            start_new_session=True,
        )
        self.background.append(process)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while not _listening(int(self.port)):
            assert process.poll() is None, f"{line}: exited with {process.returncode}"
            assert time.monotonic() < deadline, f"{line}: not listening on {self.port}"
            time.sleep(0.05)

    def _local(self, text: str) -> str:
        for before in (":", "--port "):
            text = text.replace(before + RECEIVER_PORT, before + self.port)
        return text

    def stop(self) -> None:
        for process in self.background:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=COMMAND_TIMEOUT)


def compare(step: Command, expected: list[str], actual: str) -> None:
    want = normalise("\n".join(expected))
    got = normalise(actual)
    if want != got:
        diff = "\n".join(difflib.unified_diff(want, got, "README.md", "actual output", lineterm=""))
        raise Mismatch(f"README.md:{step.where}: $ {step.line}\n{diff}")


def normalise(text: str) -> list[str]:
    for pattern, placeholder in PLACEHOLDERS:
        text = pattern.sub(placeholder, text)
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def project_copy(source: Path, into: Path) -> Path:
    """The repository's templates, configuration and schemas, as a reader's checkout holds them
    (import writes a schema line for editors into each file when `schema/` is there)."""
    shutil.copytree(source / "templates", into / "templates")
    shutil.copytree(source / "schema", into / "schema")
    config = source / "wa-templates.toml"
    if config.is_file():
        shutil.copy(config, into / config.name)
    return into


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
