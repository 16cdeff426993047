"""What is urgent on the start page: pure functions."""

import datetime as dt

SOON = dt.timedelta(days=30)


def urgency(deadlines: list[dt.date | None], today: dt.date) -> int:
    """0 when anything is overdue, 1 when something falls due within 30 days, 2 otherwise."""
    known = [d for d in deadlines if d is not None]
    if any(d < today for d in known):
        return 0
    if any(d <= today + SOON for d in known):
        return 1
    return 2
