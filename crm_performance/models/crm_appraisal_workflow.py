"""The workflow of an appraisal, driven by ``tools.workflow.TRANSITIONS``."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..tools.trusted import TRUSTED
from ..tools.workflow import (
    BUTTONS,
    FROZEN_STATES,
    GROUP,
    GROUP_NAMES,
    STATES,
    TRANSITIONS,
    WORKFLOW,
    next_step,
    transition,
)


class CrmAppraisal(models.Model):
    _inherit = "crm.appraisal"

    can_submit = fields.Boolean(compute="_compute_can")
    can_consolidate = fields.Boolean(compute="_compute_can")
    can_first_review = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_lock = fields.Boolean(compute="_compute_can")
    can_send_back = fields.Boolean(compute="_compute_can")
    can_reopen = fields.Boolean(compute="_compute_can")

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can(self):
        """A button shows when its transition leaves the appraisal's state, the user is in the
        transition's group and, for review steps and send-backs, not the appraised employee."""
        groups = {group: self.env.user.has_group(f"{GROUP}{group}") for group in GROUP_NAMES}
        for appraisal in self:
            for name in BUTTONS:
                move = transition(name, appraisal.state)
                appraisal[f"can_{name}"] = bool(
                    move and groups[move.group] and (move.kind == "reopen" or not appraisal.is_own)
                )

    def action_submit(self):
        self._check_transition("submit")
        self.check_access("write")
        self._check_editable()
        self._compute_scores()
        self._check_entered()
        return self._step("submit")

    def action_consolidate(self):
        return self._step("consolidate")

    def action_first_review(self):
        return self._step("first_review")

    def action_approve(self):
        return self._step("approve")

    def action_lock(self):
        return self._step("lock")

    def _step(self, name):
        """Take the review step ``name``: the state moves, its stamp records who and when, the
        step's reminders and appeals are done."""
        self._check_transition(name)
        move = transition(name, self[:1].state)
        values = {"state": move.target, "appealed": False}
        if move.stamp:
            values.update(dict(zip(move.stamp, (self.env.uid, fields.Datetime.now()), strict=True)))
        self.with_context(**{WORKFLOW: TRUSTED}).write(values)
        self.activity_unlink(
            ["crm_performance.mail_activity_type_appraisal_step", "crm_performance.mail_activity_type_appeal"]
        )
        return True

    def _check_transition(self, name):
        """The user is in a group that takes ``name``, each appraisal can take it from its state
        (as that state's group) and, but to reopen, is not the user's own."""
        moves = [move for move in TRANSITIONS if move.name == name]
        if not any(self.env.user.has_group(f"{GROUP}{move.group}") for move in moves):
            self._check_group(moves[0].group)
        for appraisal in self:
            move = transition(name, appraisal.state)
            if not move:
                raise UserError(
                    _(
                        "%(appraisal)s is %(state)s; this step needs it %(expected)s.",
                        appraisal=appraisal.name,
                        state=dict(STATES)[appraisal.state],
                        expected=_(" or ").join(dict(STATES)[move.sources[0]] for move in moves),
                    )
                )
            self._check_group(move.group)
            if move.kind != "reopen" and appraisal.is_own:
                raise UserError(_("You cannot take a review step on your own appraisal."))

    def _check_group(self, group):
        if not self.env.user.has_group(f"{GROUP}{group}"):
            raise AccessError(_("Only %(who)s can take this step.", who=str(GROUP_NAMES[group])))

    def _send_back(self, reason):
        """One step back, with the reason in the chatter."""
        for appraisal in self:
            if not transition("send_back", appraisal.state):
                raise UserError(
                    _(
                        "%(appraisal)s is %(state)s and cannot be sent back.",
                        appraisal=appraisal.name,
                        state=dict(STATES)[appraisal.state],
                    )
                )
            appraisal._check_transition("send_back")
            move = transition("send_back", appraisal.state)
            appraisal.with_context(**{WORKFLOW: TRUSTED}).write({"state": move.target})
            appraisal.message_post(
                body=_("Sent back to %(state)s: %(reason)s", state=dict(STATES)[move.target], reason=reason)
            )

    def _reopen(self, reason):
        """HR reopens approved or locked appraisals to draft, with a logged reason."""
        self._check_group("hr")
        if self.filtered(lambda a: not transition("reopen", a.state)):
            raise UserError(_("Only approved or locked appraisals are reopened; send the others back."))
        self.period_id._check_open()
        move = transition("reopen", "approved")
        self.with_context(**{WORKFLOW: TRUSTED}).write(
            {"state": move.target, **dict.fromkeys(move.stamp, False)}
        )
        for appraisal in self:
            appraisal.message_post(body=_("Reopened by HR: %(reason)s", reason=reason))

    def action_acknowledge(self):
        """The employee has read the approved appraisal and agrees."""
        self._check_own()
        if self.filtered(lambda a: a.state not in FROZEN_STATES):
            raise UserError(_("An appraisal is acknowledged once it is approved."))
        self.sudo().write({"acknowledged_date": fields.Datetime.now(), "appealed": False})
        return True

    def _appeal(self, comment):
        """The employee disagrees: the comment goes to the chatter and the appraisal goes back to
        the reviewer (to the sales VP while under review, to HR once approved)."""
        self._check_own()
        for appraisal in self.sudo():
            if appraisal.state == "draft":
                raise UserError(_("A draft appraisal is not final yet; talk to your manager."))
            if appraisal.appealed:
                raise UserError(_("This appraisal is already appealed; the reviewer is looking at it again."))
            values = {"appealed": True, "employee_comment": comment, "acknowledged_date": False}
            if appraisal.state in ("consolidated", "reviewed"):
                values["state"] = "submitted"
            appraisal.with_context(**{WORKFLOW: TRUSTED}).write(values)
            appraisal.message_post(body=_("Appeal: %(comment)s", comment=comment))
            reviewer = appraisal._step_user("approved" if appraisal.state in FROZEN_STATES else "submitted")
            if reviewer:
                appraisal.activity_schedule(
                    "crm_performance.mail_activity_type_appeal",
                    date_deadline=fields.Date.context_today(self),
                    user_id=reviewer.id,
                    summary=_("Appeal from %(employee)s", employee=appraisal.employee_id.name),
                )

    def _check_own(self):
        if self.filtered(lambda a: a.user_id != self.env.user):
            raise AccessError(_("Only the appraised employee can acknowledge or appeal an appraisal."))

    # ------------------------------------------------------------------
    # who acts: the actor of each group, for one appraisal and as a search
    # ------------------------------------------------------------------

    def _actor(self, group):
        """The user who acts for ``group`` on this appraisal: its area manager (else its team's
        leader), the company's first reviewer or its HR officer (empty when none is set)."""
        self.ensure_one()
        if group == "manager":
            return self.manager_id.user_id or self.team_id.user_id
        if group == "reviewer":
            return self.company_id.performance_reviewer_id
        return self.company_id.performance_hr_user_id

    @api.model
    def _actor_domain(self, group, user):
        """The appraisals on which ``user`` acts for ``group`` (as ``_actor`` says; a company
        without a first reviewer or HR officer leaves it to anyone in the group)."""
        if group == "manager":
            return Domain("manager_id.user_id", "=", user.id) | (
                Domain("manager_id.user_id", "=", False) & Domain("team_id.user_id", "=", user.id)
            )
        field = "performance_reviewer_id" if group == "reviewer" else "performance_hr_user_id"
        return Domain(f"company_id.{field}", "in", [user.id, False])

    def _step_user(self, state=None):
        """Who takes the next step of the appraisal in ``state`` (empty once locked)."""
        self.ensure_one()
        move = next_step(state or self.state)
        return self._actor(move.group) if move else self.env["res.users"]

    @api.model
    def _steps_domain(self, user):
        """The appraisals whose next step is ``user``'s, for the groups ``user`` is in."""
        by_group = {}
        for move in TRANSITIONS:
            if move.kind == "step":
                by_group.setdefault(move.group, []).extend(move.sources)
        return Domain.OR(
            Domain("state", "in", states) & self._actor_domain(group, user)
            for group, states in by_group.items()
            if user.has_group(f"{GROUP}{group}")
        )

    def _signatures(self):
        """The chain that signs the printed appraisal: [(role, name or False, datetime or False)],
        the employee first, then each level that signs, with who took it and when; a level not
        taken yet shows whom it expects (the area manager, a configured reviewer or HR officer)."""
        self.ensure_one()
        chain = [(_("Employee"), self.employee_id.name, self.acknowledged_date)]
        for move in TRANSITIONS:
            if move.signature:
                signer, date = (self[fname] for fname in move.stamp)
                expected = self.manager_id.name if move.group == "manager" else False
                chain.append(
                    (
                        str(move.signature),
                        signer.name or expected or self._actor(move.group).name or False,
                        date,
                    )
                )
        return chain
