"""WA52x: UTILITY category rules."""

from __future__ import annotations
