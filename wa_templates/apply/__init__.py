"""Apply: carry out a plan through a provider (bounded workers, rate limit, media uploads),
then optionally wait for Meta's review."""
