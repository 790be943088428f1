"""The spans a KPI is measured over: periods, the span a growth compares with, the months a
customer measure covers, and a company's local days as UTC bounds (plain Python)."""

from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta


def compared_span(date_from, date_to, compare="previous"):
    """The span a growth compares [date_from, date_to] with: last year's, or the previous span
    of the same length (whole months when the span is whole months)."""
    if compare == "last_year":
        return date_from - relativedelta(years=1), date_to - relativedelta(years=1)
    next_day = date_to + timedelta(days=1)
    if date_from.day == 1 and next_day.day == 1:
        months = (next_day.year - date_from.year) * 12 + next_day.month - date_from.month
        return date_from - relativedelta(months=months), date_from - timedelta(days=1)
    length = next_day - date_from
    return date_from - length, date_from - timedelta(days=1)


def trailing_months(date_to, months):
    """The ``months`` months ending with ``date_to`` (a customer measure over N months)."""
    return date_to + timedelta(days=1) - relativedelta(months=months), date_to


def company_tz(company):
    """Time zone in which datetimes are placed in a company's periods: its address's."""
    return company.partner_id.tz or "UTC"


def utc_bounds(date_from, date_to, tz):
    """Naive UTC datetimes of local midnight at date_from and after date_to in ``tz``."""
    zone = pytz.timezone(tz or "UTC")
    start = zone.localize(datetime.combine(date_from, time.min)).astimezone(pytz.utc)
    stop = zone.localize(datetime.combine(date_to + timedelta(days=1), time.min)).astimezone(pytz.utc)
    return start.replace(tzinfo=None), stop.replace(tzinfo=None)
