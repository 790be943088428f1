from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.performance.source"]

    # the date that places a customer in a period (new customers KPI)
    _create_date_idx = models.Index("(create_date)")
    # one salesperson's new customers of a period (live recompute, My Performance)
    _user_create_date_idx = models.Index("(user_id, create_date)")
