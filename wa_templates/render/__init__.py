"""Output formats: text for people, JSON and GitHub workflow commands for machines."""
