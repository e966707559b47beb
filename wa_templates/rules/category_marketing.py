"""WA51x: MARKETING category rules."""

from __future__ import annotations
