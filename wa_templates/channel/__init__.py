"""The channel: 8x8's shapes converted to and from the file model, one canonical form for
comparing both sides, and what each template status means."""
