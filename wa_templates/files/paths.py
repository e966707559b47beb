"""Paths stay inside the project: where a template file or a media sample really leads.

A repository is input like any other. A template file may be a symlink to /etc/passwd, a media
sample may say `../../outside/secret.png`: whatever a path says, it must resolve (symlinks
followed) inside the project root, or nothing behind it is read, echoed or uploaded.

A path named from outside the project (`validate /tmp/x.yaml`) has no project to stay in: it
must resolve inside the folder it lies in, so a link there still cannot lead anywhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATE_SUFFIXES = (".yaml", ".yml")


def is_template_name(name: str) -> bool:
    """Template files are `*.yaml` and `*.yml` in any letter case; hidden files never are.

    As Terraform skips `.*` files: editor lock files (`.#a.yaml`), macOS `._a.yaml` and files
    hidden on purpose are not templates. Backups (`a.yaml~`, `a.yaml.bak`) do not end in a
    template suffix at all.
    """
    return not name.startswith(".") and name.lower().endswith(TEMPLATE_SUFFIXES)


def is_within(path: str, folder: str) -> bool:
    """Whether the absolute `path` is `folder` or lies below it (both already resolved)."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


class Containment:
    """Where the paths of one project may lead, and where they really lead.

    Resolving a path follows every component of it, an lstat each (os.path.realpath is Python
    in 3.11): thousands of template files in a few folders would pay that thousands of times.
    The real path of each folder is worked out once per Containment (one check of the files),
    so a file costs one lstat to see whether it is a link itself.
    """

    def __init__(self, root: Path | str) -> None:
        self.real_root = os.path.realpath(root)
        self._absolute_root = os.path.abspath(root)
        self._real_folders: dict[str, str] = {}

    def anchor(self, path: str | os.PathLike[str]) -> str:
        """The real folder `path` must resolve inside: the project root when `path` lies in it
        as written (before any symlink is followed), else the real folder `path` is in."""
        absolute = os.path.abspath(path)
        if is_within(absolute, self.real_root) or is_within(absolute, self._absolute_root):
            return self.real_root
        return self._real_folder(os.path.dirname(absolute))

    def resolve(self, path: str | os.PathLike[str], anchor: str | None = None) -> str | None:
        """The real path of `path` when it resolves inside `anchor` (by default its own); None
        when it leads out. Only names are resolved: no byte of any file is read."""
        try:
            real = self._real_path(os.fspath(path))
        except OSError:  # a folder on the way that cannot be searched: nothing proves it is in
            return None
        return real if is_within(real, anchor or self.anchor(path)) else None

    def _real_path(self, path: str) -> str:
        if ".." in path.replace("\\", "/").split("/"):
            # `..` after a symlink goes up from where the link leads, not from where it is:
            # only a full resolution knows (os.path.abspath would collapse it on the name).
            return os.path.realpath(path)
        absolute = os.path.abspath(path)
        folder, name = os.path.split(absolute)
        if not name or os.path.islink(absolute):
            return os.path.realpath(absolute)
        real = self._real_folder(folder)
        return real + name if real.endswith(os.sep) else real + os.sep + name

    def _real_folder(self, folder: str) -> str:
        real = self._real_folders.get(folder)
        if real is None:
            real = self._real_folders[folder] = os.path.realpath(folder)
        return real
