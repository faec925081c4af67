"""The wellbeing app's models, one module per part (cases, surveillance, programmes)."""
