def calendar_warnings(*, organisation, today=None) -> list[str]:
    """Warnings to show on every page about the working-day calendar (filled by the workdays app)."""
    return []
