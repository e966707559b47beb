"""Real git repositories for the reviewed-plan tests, merged the ways GitHub merges a pull
request: its test merge (refs/pull/N/merge, what a `pull_request` run checks out), and a merge
commit, a squash or a rebase onto main."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

MERGE_METHODS = ("merge", "squash", "rebase")


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Ada",
            "GIT_AUTHOR_EMAIL": "ada@example.test",
            "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.test",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def commit(self, message: str, files: dict[str, str | None] | None = None) -> str:
        """Write (or, for None, delete) files, then commit everything."""
        for name, text in (files or {}).items():
            target = self.path / name
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def tree(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", f"{rev}^{{tree}}")

    def checkout(self, rev: str) -> None:
        self.git("checkout", "-q", "--detach", rev)

    def branch(self, name: str, start: str = "main") -> None:
        self.git("checkout", "-q", "-B", name, start)

    def test_merge(self, head: str, base: str = "main") -> str:
        """GitHub's refs/pull/N/merge: the pull request merged into its base, detached."""
        self.checkout(base)
        self.git("merge", "-q", "--no-ff", "-m", "Merge into base", head)
        return self.head()

    def merge(self, method: str, head: str, base: str = "main") -> str:
        """The pull request merged into `base` by the button's method; the new tip of base."""
        if method == "rebase":
            # GitHub writes new commits even when the branch is on top of base already.
            self.git("checkout", "-q", "-B", "rebased", head)
            self.env["GIT_COMMITTER_DATE"] = "2030-01-01T00:00:00+00:00"
            self.git("rebase", "-q", "--force-rebase", base)
            del self.env["GIT_COMMITTER_DATE"]
            tip = self.head()
            self.git("checkout", "-q", base)
            self.git("merge", "-q", "--ff-only", tip)
        elif method == "squash":
            self.git("checkout", "-q", base)
            self.git("merge", "-q", "--squash", head)
            self.git("commit", "-q", "-m", "Squashed pull request")
        else:
            self.git("checkout", "-q", base)
            self.git("merge", "-q", "--no-ff", "-m", "Merge pull request", head)
        return self.head()
