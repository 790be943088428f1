from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..tools.workflow import BULK_STEPS


class CrmAppraisal(models.Model):
    """Work queues: the appraisals waiting for the current user, and bulk review of a selection."""

    _inherit = "crm.appraisal"

    waiting_for_me = fields.Boolean(
        string="Waiting for Me",
        compute="_compute_waiting_for_me",
        search="_search_waiting_for_me",
        help="The next step is yours: submit (manager), review (sales VP), approve or lock (HR), "
        "or acknowledge your own approved appraisal.",
    )

    @api.depends_context("uid")
    def _compute_waiting_for_me(self):
        waiting = self.filtered_domain(self._waiting_for_me_domain())
        for appraisal in self:
            appraisal.waiting_for_me = appraisal in waiting

    def _search_waiting_for_me(self, operator, value):
        if operator != "in":
            return NotImplemented
        domain = self._waiting_for_me_domain()
        return domain if True in value else ~domain

    @api.model
    def _waiting_for_me_domain(self):
        """The appraisals whose next step is the current user's (``_steps_domain``: the
        workflow's table), and their own approved appraisals to acknowledge. One never acts on
        one's own appraisal."""
        user = self.env.user
        own = Domain("user_id", "=", user.id)
        to_acknowledge = (
            own
            & Domain("state", "in", ("approved", "locked"))
            & Domain("acknowledged_date", "=", False)
            & Domain("appealed", "=", False)
        )
        return to_acknowledge | (~own & self._steps_domain(user))

    def action_open_bulk_review(self):
        """Open the bulk review of the selected appraisals for the step in the context."""
        wizard = self.env["crm.appraisal.bulk.wizard"].create(
            {"appraisal_ids": [(6, 0, self.ids)], "step": self.env.context.get("bulk_step")}
        )
        return wizard._action_reopen()

    def _bulk_step(self, step, reason=None):
        """Take ``step`` on each appraisal as if alone (its own checks, in its own savepoint).
        Returns {appraisal: refusal message} for those refused."""
        refused = {}
        for appraisal in self:
            try:
                with self.env.cr.savepoint():
                    if step not in BULK_STEPS:
                        raise UserError(self.env._("This step cannot be taken on a selection."))
                    if step == "send_back":
                        appraisal._send_back(reason)
                    else:
                        appraisal._step(step)
            except (UserError, AccessError) as error:
                self.env.invalidate_all()
                refused[appraisal] = error.args[0]
        return refused
