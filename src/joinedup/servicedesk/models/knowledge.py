"""knowledge: none yet (issue 15)."""

__all__: list[str] = []
