"""WA6xx: carousel."""

from __future__ import annotations
