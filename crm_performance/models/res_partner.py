from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the date that places a customer in a period (new customers KPI)
    _create_date_idx = models.Index("(create_date)")
