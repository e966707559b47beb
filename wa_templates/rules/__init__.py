"""Validation rules: stable ids, severities, category scopes. `catalogue` imports them all."""
