from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

# the steps a list selection can take at once: step -> the method that takes it on one appraisal
BULK_STEPS = {
    "consolidate": "action_consolidate",
    "first_review": "action_first_review",
    "approve": "action_approve",
    "lock": "action_lock",
}


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
        """Who takes the next step, as ``_step_user`` says, for the current user's groups: the
        manager (else the team leader) submits drafts; the company's first reviewer (any
        reviewer when none is set) consolidates and reviews; its HR officer (any HR user when
        none is set) approves and locks; the employee acknowledges an approved appraisal."""
        user = self.env.user
        own = Domain("user_id", "=", user.id)
        queues = [
            own
            & Domain("state", "in", ("approved", "locked"))
            & Domain("acknowledged_date", "=", False)
            & Domain("appealed", "=", False)
        ]
        group = "crm_performance.crm_performance_group_"
        if user.has_group(f"{group}manager"):
            queues.append(
                Domain("state", "=", "draft")
                & (
                    Domain("manager_id.user_id", "=", user.id)
                    | (Domain("manager_id.user_id", "=", False) & Domain("team_id.user_id", "=", user.id))
                )
            )
        if user.has_group(f"{group}reviewer"):
            queues.append(
                Domain("state", "in", ("submitted", "consolidated"))
                & Domain("company_id.performance_reviewer_id", "in", [user.id, False])
            )
        if user.has_group(f"{group}hr"):
            queues.append(
                Domain("state", "in", ("reviewed", "approved"))
                & Domain("company_id.performance_hr_user_id", "in", [user.id, False])
            )
        return queues[0] | (~own & Domain.OR(queues[1:]))

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
                    if step == "send_back":
                        appraisal._send_back(reason)
                    else:
                        getattr(appraisal, BULK_STEPS[step])()
            except (UserError, AccessError) as error:
                self.env.invalidate_all()
                refused[appraisal] = error.args[0]
        return refused
