"""Template files: safe YAML in with every position kept, the pydantic model, YAML out."""
