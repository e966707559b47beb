"""Settings: the project's configuration file, and the targets (8x8 accounts and channels)
it names."""
