"""Validation rules: stable ids, severities, category scopes. `registry` defines a rule,
`catalogue` imports every rule module, `engine` runs them, `check` validates paths."""
