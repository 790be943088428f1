from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmAppraisalBulkWizard(models.TransientModel):
    """Consolidate, review, approve, lock or send back a list selection of appraisals at once:
    each is checked as if done alone, and those refused are listed with the reason."""

    _name = "crm.appraisal.bulk.wizard"
    _description = "Appraisal Bulk Review"

    appraisal_ids = fields.Many2many("crm.appraisal", required=True)
    step = fields.Selection(
        [
            ("consolidate", "Consolidate"),
            ("first_review", "First Review"),
            ("approve", "Approve"),
            ("lock", "Lock"),
            ("send_back", "Send Back"),
        ],
        required=True,
    )
    reason = fields.Text(help="Why the appraisals are sent back: written in each one's chatter.")
    state = fields.Selection([("confirm", "Confirm"), ("done", "Done")], default="confirm", required=True)
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    done_count = fields.Integer(string="Done", readonly=True)
    refusal_ids = fields.One2many("crm.appraisal.bulk.refusal", "wizard_id", string="Refused", readonly=True)

    @api.depends("appraisal_ids")
    def _compute_appraisal_count(self):
        for wizard in self:
            wizard.appraisal_count = len(wizard.appraisal_ids)

    def action_apply(self):
        self.ensure_one()
        if self.step == "send_back" and not (self.reason or "").strip():
            raise UserError(_("Give the reason for sending the appraisals back."))
        refused = self.appraisal_ids._bulk_step(self.step, self.reason)
        self.write(
            {
                "state": "done",
                "done_count": len(self.appraisal_ids) - len(refused),
                "refusal_ids": [
                    (0, 0, {"appraisal_id": appraisal.id, "reason": reason})
                    for appraisal, reason in refused.items()
                ],
            }
        )
        return self._action_reopen()

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "name": dict(self._fields["step"]._description_selection(self.env))[self.step],
            "views": [(False, "form")],
            "target": "new",
        }


class CrmAppraisalBulkRefusal(models.TransientModel):
    _name = "crm.appraisal.bulk.refusal"
    _description = "Appraisal Refused in a Bulk Review"

    wizard_id = fields.Many2one(
        "crm.appraisal.bulk.wizard", string="Bulk Review", required=True, ondelete="cascade"
    )
    appraisal_id = fields.Many2one("crm.appraisal", required=True, ondelete="cascade")
    reason = fields.Text(required=True)
