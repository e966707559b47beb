"""WA4xx: buttons."""

from __future__ import annotations
