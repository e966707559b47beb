"""WA3xx: placeholders and their samples."""

from __future__ import annotations
