from odoo import models


class AccountMove(models.Model):
    """Invoices and credit notes are measured by KPIs: posting, cancelling, re-dating or
    reassigning one marks the salesperson's draft month of its date (live scores); reassigning
    one also moves the payments matched with it (paid revenue) from one salesperson to the other,
    and both are marked."""

    _name = "account.move"
    _inherit = ["account.move", "crm.performance.source"]

    def write(self, vals):
        if "invoice_user_id" not in vals:
            return super().write(vals)
        partials = self.sudo().line_ids.matched_credit_ids
        before = partials._performance_stamps()
        result = super().write(vals)
        partials._performance_touch(before)
        return result

    def _performance_stamps(self):
        """The invoice's own months and, when the collection rate is measured, its salesperson's
        months from the month each installment falls due until today (what was owed in each)."""
        stamps = super()._performance_stamps()
        receivables = self.env["crm.performance.receivable"]
        for line in self.sudo().line_ids.filtered(lambda line: line.display_type == "payment_term"):
            stamps |= receivables._owed_stamps(line.move_id.invoice_user_id, line.date_maturity)
        return stamps
