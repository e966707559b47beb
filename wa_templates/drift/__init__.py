"""Drift: a read-only report of how the channel moved away from the repository, and what
Meta did."""
