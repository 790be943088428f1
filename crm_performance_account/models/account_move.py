from odoo import models


class AccountMove(models.Model):
    """Invoices and credit notes are measured by KPIs: posting, cancelling, re-dating or
    reassigning one marks the salesperson's draft month of its date (live scores)."""

    _name = "account.move"
    _inherit = ["account.move", "crm.performance.source"]
