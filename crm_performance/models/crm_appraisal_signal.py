from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import drilldown, signals
from ..tools.trusted import TRUSTED, trusted

# kind -> the model of its records
KINDS = {
    "pull_forward": "crm.lead",
    "activity_burst": "mail.activity",
    "activity_after_hours": "mail.activity",
    "activity_backdated": "mail.activity",
    "empty_win": "crm.lead",
    "quick_win": "crm.lead",
    "thin_customer": "res.partner",
    "duplicate_customer": "res.partner",
    "stage_jump": "crm.lead",
}
KIND_LABELS = [
    ("pull_forward", "Pulled-forward wins"),
    ("activity_burst", "Activity bursts"),
    ("activity_after_hours", "Activities done after hours"),
    ("activity_backdated", "Backdated activities"),
    ("empty_win", "Wins without activity"),
    ("quick_win", "Same-day big wins"),
    ("thin_customer", "Thin customers"),
    ("duplicate_customer", "Duplicate customers"),
    ("stage_jump", "Stage jumps"),
]
# written by the computation and the explain action only
SIGNALS = "crm_performance_signals"


class CrmAppraisalSignal(models.Model):
    """An integrity signal (数据造假 / 虚填虚报) raised on a monthly appraisal: a pattern that
    makes its numbers suspicious, with the records behind it. It never changes a score; the
    reviewer opens the records and explains it."""

    _name = "crm.appraisal.signal"
    _description = "Integrity Signal"
    _inherit = ["mail.thread"]
    _order = "appraisal_id, sequence, id"
    _rec_name = "kind"

    appraisal_id = fields.Many2one(
        "crm.appraisal", required=True, index=True, ondelete="cascade", readonly=True
    )
    # the appraisal's, copied when the signal is raised (the rules and the team board read them)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True, index=True)
    period_id = fields.Many2one("crm.appraisal.period", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    kind = fields.Selection(KIND_LABELS, string="Signal", required=True, readonly=True)
    sequence = fields.Integer(compute="_compute_sequence", store=True)
    count = fields.Integer(readonly=True, help="How many records make the signal.")
    threshold = fields.Integer(
        readonly=True, help="The company's threshold when the signal was raised: it is raised at this count."
    )
    record_ids = fields.Json(string="Record IDs", readonly=True, help="Ids of the records behind the signal.")
    description = fields.Char(compute="_compute_description")
    explained = fields.Boolean(readonly=True, tracking=True, copy=False)
    comment = fields.Text(tracking=True, help="The reviewer's explanation of the signal.")
    explained_by_id = fields.Many2one("res.users", string="Explained By", readonly=True, copy=False)
    explained_date = fields.Datetime(string="Explained On", readonly=True, copy=False)

    _appraisal_kind_unique = models.UniqueIndex(
        "(appraisal_id, kind)", "An appraisal has one signal of a kind."
    )

    @api.depends("kind")
    def _compute_sequence(self):
        order = [kind for kind, _label in KIND_LABELS]
        for signal in self:
            signal.sequence = order.index(signal.kind)

    @api.depends("kind", "company_id")
    def _compute_description(self):
        for signal in self:
            company = signal.company_id
            signal.description = {
                "pull_forward": _(
                    "Won in the last %(days)s days of the month, reopened or archived in the first %(after)s "
                    "days of the next",
                    days=company.performance_signal_pull_forward_days,
                    after=company.performance_signal_pull_forward_after_days,
                ),
                "activity_burst": _(
                    "Activities marked done %(threshold)s or more within %(minutes)s minutes",
                    threshold=signal.threshold,
                    minutes=company.performance_signal_burst_minutes,
                ),
                "activity_after_hours": _(
                    "Activities marked done outside working hours, %(threshold)s or more on a day",
                    threshold=signal.threshold,
                ),
                "activity_backdated": _("Activities due before the day they were created, marked done"),
                "empty_win": _("Won with no activity done and no meeting"),
                "quick_win": _(
                    "Created and won the same day, %(amount)s or more",
                    amount=company.currency_id.format(company.performance_signal_quick_win_amount),
                ),
                "thin_customer": _("New customers with a phone and no email, address, tax ID or website"),
                "duplicate_customer": _(
                    "New customers with the email, phone or tax ID of an existing customer"
                ),
                "stage_jump": _("Won straight from the first stage of the pipeline"),
            }[signal.kind]

    def write(self, vals):
        if not trusted(self.env, SIGNALS):
            if {name for name in vals if not name.startswith("message_")} - {"comment"}:
                raise UserError(
                    _("Signals are computed with the appraisals; a reviewer can only explain them.")
                )
            self._check_not_own()
        return super().write(vals)

    def action_open_records(self):
        """The exact records behind the signal, with the user's own rights."""
        self.ensure_one()
        self.check_access("read")
        return drilldown.records_action(
            self.env,
            KINDS[self.kind],
            [("id", "in", self.record_ids or [])],
            _(
                "%(signal)s – %(employee)s – %(period)s",
                signal=dict(self._fields["kind"]._description_selection(self.env))[self.kind],
                employee=self.employee_id.name,
                period=self.period_id.display_name,
            ),
            # done activities and lost deals are archived
            context={"active_test": False},
        )

    def action_explain(self):
        """The reviewer explains the signal with a comment: tracked in the signal's chatter."""
        self.check_access("write")
        self._check_not_own()
        for signal in self:
            if not (signal.comment or "").strip():
                raise UserError(
                    _(
                        "Write the explanation of “%(signal)s” in the comment first.",
                        signal=signal.description,
                    )
                )
        self.with_context(**{SIGNALS: TRUSTED}).write(
            {"explained": True, "explained_by_id": self.env.uid, "explained_date": fields.Datetime.now()}
        )
        return True

    def _check_not_own(self):
        if self.filtered(lambda signal: signal.user_id == self.env.user):
            raise UserError(_("You cannot explain the signals of your own appraisal."))

    # ------------------------------------------------------------------
    # computation (with the month's appraisals)
    # ------------------------------------------------------------------

    @api.model
    def _compute_for(self, appraisals, period):
        """Raise, update and clear the signals of ``appraisals`` (a month's, as superuser): one
        query per signal switched on for all their salespeople (the activity ones share one). A
        signal whose records did not change keeps its explanation; when they change, it is to be
        explained again (the comment stays, the chatter says what changed). A signal below its
        threshold is removed."""
        company = period.company_id
        scope = signals.Scope.of(period, appraisals.user_id.ids)
        thresholds = {
            kind: company[f"performance_signal_{kind}_threshold"]
            for kind in KINDS
            if company[f"performance_signal_{kind}"]
        }
        found = {
            kind: (thresholds[kind], by_user) for kind, by_user in signals.measure(scope, thresholds).items()
        }
        existing = {
            (signal.appraisal_id.id, signal.kind): signal
            for signal in self.search([("appraisal_id", "in", appraisals.ids)])
        }
        raised, to_create = set(), []
        for appraisal in appraisals:
            for kind, (threshold, by_user) in found.items():
                record_ids = by_user.get(appraisal.user_id.id, [])
                if len(record_ids) < threshold:
                    continue
                raised.add((appraisal.id, kind))
                values = {"count": len(record_ids), "threshold": threshold, "record_ids": record_ids}
                signal = existing.get((appraisal.id, kind))
                if signal is None:
                    to_create.append(
                        {
                            **values,
                            "appraisal_id": appraisal.id,
                            "kind": kind,
                            "employee_id": appraisal.employee_id.id,
                            "user_id": appraisal.user_id.id,
                            "period_id": period.id,
                            "team_id": appraisal.team_id.id,
                            "company_id": company.id,
                        }
                    )
                else:
                    signal._update(values)
        self.with_context(**{SIGNALS: TRUSTED}).create(to_create)
        self.browse([signal.id for key, signal in existing.items() if key not in raised]).unlink()

    def _update(self, values):
        """Store a recomputed signal; records that changed undo its explanation."""
        self.ensure_one()
        if values["record_ids"] == self.record_ids and values["threshold"] == self.threshold:
            return
        if values["record_ids"] != self.record_ids and self.explained:
            values["explained"] = False
            self.message_post(
                body=_(
                    "The records behind this signal changed (%(before)s → %(after)s): it is to be "
                    "explained again.",
                    before=self.count,
                    after=values["count"],
                )
            )
        self.with_context(**{SIGNALS: TRUSTED}).write(values)


class CrmAppraisal(models.Model):
    """The integrity signals of an appraisal, as the current user may see them."""

    _inherit = "crm.appraisal"

    signal_ids = fields.One2many("crm.appraisal.signal", "appraisal_id", string="Integrity Signals")
    signal_count = fields.Integer(
        compute="_compute_signal_count",
        string="Signals",
        help="Integrity signals not explained yet that you may see (managers, reviewers, HR).",
    )
    signal_summary = fields.Char(compute="_compute_signal_count")

    @api.depends_context("uid")
    def _compute_signal_count(self):
        """One grouped read, with the user's rights: a salesperson gets 0 for their own
        appraisal unless the company shows employees their signals."""
        rows = self.env["crm.appraisal.signal"]._read_group(
            [("appraisal_id", "in", self.ids), ("explained", "=", False)],
            ["appraisal_id", "kind"],
            ["count:sum"],
        )
        labels = dict(self.env["crm.appraisal.signal"]._fields["kind"]._description_selection(self.env))
        summaries = {}
        for appraisal, kind, count in rows:
            summaries.setdefault(appraisal, []).append((kind, count))
        for appraisal in self:
            found = summaries.get(appraisal, [])
            appraisal.signal_count = len(found)
            appraisal.signal_summary = " · ".join(f"{labels[kind]}: {count}" for kind, count in found)

    def _compute_signals(self, period):
        """Hook of the month's computation (``_compute_month``, ``_insert``)."""
        self.env["crm.appraisal.signal"]._compute_for(self, period)
