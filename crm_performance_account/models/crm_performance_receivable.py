from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

# a matching that brings money in: a payment or a bank statement line (not a credit note, not an
# exchange difference), as the paid revenue counts it
MONEY_IN = "(credit_move.origin_payment_id IS NOT NULL OR credit_move.statement_line_id IS NOT NULL)"


class CrmPerformanceReceivable(models.Model):
    """What a customer owed in a month and what was collected of it: one row per installment of a
    posted customer invoice and month, from the month it falls due (or is invoiced, if later)
    until it is settled. ``amount_owed`` is what was due by the month's end and still open at its
    start (less the credit notes matched in the month), ``amount_paid`` what payments settled of
    it in the month; the collection rate divides their sums over a month. A month's rows come from
    the installments due by its end and not settled before it (the months are a calendar that
    the query's month filter narrows): a month costs what was open in it, not the whole history."""

    _name = "crm.performance.receivable"
    _description = "Receivable Due in a Month"
    _auto = False
    _order = "month desc, date_maturity, id"
    _rec_name = "move_id"

    month = fields.Date(readonly=True, help="The first day of the month this row is about.")
    move_line_id = fields.Many2one("account.move.line", string="Installment", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    date_maturity = fields.Date(string="Due Date", readonly=True)
    amount_owed = fields.Monetary(
        string="Owed",
        currency_field="company_currency_id",
        readonly=True,
        help="Due by the month's end and still open at its start, less the credit notes matched with "
        "it in the month.",
    )
    amount_paid = fields.Monetary(
        string="Collected",
        currency_field="company_currency_id",
        readonly=True,
        help="Payments matched with it in the month.",
    )

    @api.model
    def _owed_stamps(self, user, day):
        """``{(user id, first day of the month)}`` of each month from ``day``'s to today's: the
        months whose receivables a change dated ``day`` moves, when a KPI measures them."""
        if not (user and day and self.env["crm.kpi.definition"]._placements(self._name)):
            return set()
        stamps, month, today = set(), day.replace(day=1), fields.Date.today()
        while month <= today:
            stamps.add((user.id, month))
            month += relativedelta(months=1)
        return stamps

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %(table)s AS (
                SELECT line.id::bigint * 10000
                           + (EXTRACT(YEAR FROM month.start) * 12
                              + EXTRACT(MONTH FROM month.start))::bigint %% 10000 AS id,
                       month.start::date AS month,
                       line.id AS move_line_id,
                       line.move_id,
                       line.partner_id,
                       move.invoice_user_id AS user_id,
                       line.company_id,
                       line.date_maturity,
                       line.balance - COALESCE(parts.before, 0) - COALESCE(parts.settled, 0) AS amount_owed,
                       COALESCE(parts.paid, 0) AS amount_paid
                  FROM generate_series(
                           (SELECT date_trunc('month', MIN(first.date_maturity)) FROM account_move_line first
                             WHERE first.display_type = 'payment_term'),
                           date_trunc('month', CURRENT_DATE),
                           INTERVAL '1 month') AS month(start)
                  JOIN account_move_line line
                    ON line.date_maturity < month.start + INTERVAL '1 month'
                   AND line.display_type = 'payment_term'
                   AND line.balance > 0
                   AND (NOT line.reconciled OR EXISTS (
                            SELECT 1 FROM account_partial_reconcile last
                             WHERE last.debit_move_id = line.id AND last.max_date >= month.start))
                  JOIN account_move move
                    ON move.id = line.move_id
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.invoice_date < month.start + INTERVAL '1 month'
                  LEFT JOIN LATERAL (
                        SELECT SUM(part.amount) FILTER (WHERE part.max_date < month.start) AS before,
                               SUM(part.amount) FILTER (
                                   WHERE part.max_date >= month.start
                                     AND part.max_date < month.start + INTERVAL '1 month'
                                     AND %(money_in)s) AS paid,
                               SUM(part.amount) FILTER (
                                   WHERE part.max_date >= month.start
                                     AND part.max_date < month.start + INTERVAL '1 month'
                                     AND NOT %(money_in)s) AS settled
                          FROM account_partial_reconcile part
                          JOIN account_move_line credit_line ON credit_line.id = part.credit_move_id
                          JOIN account_move credit_move ON credit_move.id = credit_line.move_id
                         WHERE part.debit_move_id = line.id
                  ) AS parts ON TRUE
                 WHERE line.balance - COALESCE(parts.before, 0) > 0
            )""",
                table=SQL.identifier(self._table),
                money_in=SQL(MONEY_IN),
            )
        )
