from odoo import fields, models


class AccountPartialReconcile(models.Model):
    """A payment matched with an invoice is paid revenue of the invoice's salesperson on the
    matching date: the salesperson is stored on the match so that one grouped query sums it."""

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
