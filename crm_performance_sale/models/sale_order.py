from odoo import api, fields, models


class SaleOrder(models.Model):
    """Orders are measured by KPIs: a change marks the salespeople's draft months (live scores);
    the untaxed amount before discounts is stored so that price retention is one grouped sum."""

    _name = "sale.order"
    _inherit = ["sale.order", "crm.performance.source"]

    amount_before_discount = fields.Monetary(
        string="Untaxed Amount Before Discount",
        compute="_compute_amount_before_discount",
        store=True,
        help="The untaxed amount the order would have at the lines' prices without their discounts "
        "(Odoo's Amount Before Discount): price retention is the untaxed amount divided by it.",
    )

    @api.depends(
        "order_line.price_subtotal",
        "order_line.discount",
        "order_line.price_unit",
        "order_line.product_uom_qty",
    )
    def _compute_amount_before_discount(self):
        for order in self:
            order.amount_before_discount = order.amount_undiscounted
