from odoo import models


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "crm.performance.source"]

    # one salesperson's meetings of a period (live recompute, My Performance): read without the
    # whole company's month
    _user_start_idx = models.Index("(user_id, start)")
