"""Event wiring (filled below)."""
