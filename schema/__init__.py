"""pydantic models: the single source of truth for records, registries and published tables."""
