def raise_monthly_fees(now):
    return {}


def suspend_for_overdue_fines(now):
    return {}


def expire_permits(now):
    return {}
