"""Currency conversion inside a grouped query, at Odoo's own rate of each record's date.

``res.currency._get_rates`` picks, for a currency, the latest rate dated on or before the day,
of the company's root company or shared (company first), else the earliest rate there is, else
1. A rate is how many units of the currency make one unit of the company's currency, so an
amount goes from currency X to the company's currency Y as ``amount x rate(Y) / rate(X)``. The
same lookups as SQL expressions let one scan convert every row without a query per record.
"""

from odoo.tools import SQL


def rate_sql(currency_sql, date_sql, company):
    """The rate of ``currency_sql`` on ``date_sql`` for ``company``, as ``_get_rates`` reads it."""
    scope = SQL(
        "r.currency_id = %(currency)s AND (r.company_id = %(root)s OR r.company_id IS NULL)",
        currency=currency_sql,
        root=company.root_id.id,
    )
    return SQL(
        "COALESCE("
        "(SELECT r.rate FROM res_currency_rate r WHERE %(scope)s AND r.name <= %(date)s"
        " ORDER BY r.company_id, r.name DESC LIMIT 1),"
        "(SELECT r.rate FROM res_currency_rate r WHERE %(scope)s ORDER BY r.company_id, r.name LIMIT 1),"
        " 1.0)",
        scope=scope,
        date=date_sql,
    )


def conversion_sql(currency_sql, date_sql, company):
    """Factor that turns an amount in ``currency_sql`` dated ``date_sql`` into ``company``'s
    currency; 1 when it is already in it or has no currency."""
    target = SQL("%s", company.currency_id.id)
    return SQL(
        "(CASE WHEN %(currency)s IS NULL OR %(currency)s = %(target)s THEN 1.0"
        " ELSE %(to_rate)s / %(from_rate)s END)",
        currency=currency_sql,
        target=target,
        to_rate=rate_sql(target, date_sql, company),
        from_rate=rate_sql(currency_sql, date_sql, company),
    )
