"""WA50x: AUTHENTICATION category rules."""

from __future__ import annotations
