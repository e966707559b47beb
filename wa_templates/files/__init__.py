"""Template files: safe YAML in with every position kept, the pydantic model, YAML out, and the
diagnostics loading and the rules report through."""
