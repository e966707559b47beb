"""WA7xx and WA801: headers, media and time-to-live."""

from __future__ import annotations
