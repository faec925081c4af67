"""Workforce change: the data (filled in by the change programme work)."""
