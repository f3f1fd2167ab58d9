def ensure_calendars(now):
    return {}
