"""The web layer, by audience: `api` (JSON), `attendee` (the public and attendee pages) and
`staff` (dashboard, finance, desk), each above `common`, which they share; none imports
another (import-linter contracts in pyproject.toml)."""
