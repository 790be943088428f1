from odoo import fields, models


class AccountPartialReconcile(models.Model):
    """A payment matched with an invoice is paid revenue of the invoice's salesperson on the
    matching date: the salesperson is stored on the match so that one grouped query sums it.
    Matching or unmatching also changes the invoices' payment state and what was owed in the
    months since: the matched invoices' months are marked too (live scores)."""

    _name = "account.partial.reconcile"
    _inherit = ["account.partial.reconcile", "crm.performance.source"]

    invoice_user_id = fields.Many2one(
        "res.users",
        string="Invoice Salesperson",
        related="debit_move_id.move_id.invoice_user_id",
        store=True,
        index=True,
        help="The salesperson of the invoice whose receivable this matching pays.",
    )

    def _performance_stamps(self):
        partials = self.sudo()
        moves = partials.debit_move_id.move_id | partials.credit_move_id.move_id
        return super()._performance_stamps() | moves._performance_stamps()
