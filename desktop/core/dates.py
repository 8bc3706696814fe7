"""Calendar arithmetic shared by the whole application (one home for each date rule).

``add_months`` is the only month arithmetic in Vetta: review intervals, the people look-back window
of the ownership analysis and the demo's relative dates all use it.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back), clamped to the month's end:
    31 Jan + 1 month is 28 or 29 Feb."""
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
