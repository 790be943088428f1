from odoo import models


class SaleOrderLine(models.Model):
    """A line added, removed or edited (price, discount, quantity) on an order marks the order's
    salesperson's draft month (live scores): the order's amounts move without a write on it."""

    _name = "sale.order.line"
    _inherit = ["sale.order.line", "crm.performance.source.line"]
    _performance_parent = "order_id"
