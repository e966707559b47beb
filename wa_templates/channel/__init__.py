"""The channel: 8x8's list parsed once into typed templates (`remote`), create payloads to and
from the file model (`payload`), one canonical form for comparing both sides (`normalise`), and
what each template status means (`statuses`)."""
