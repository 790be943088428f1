from odoo import api, fields, models

from ..engine import measure
from ..tools import scoring

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


class CrmAppraisal(models.Model):
    """How an appraisal reads: its name in the reader's language, a medal for the first three of
    a team on the leaderboard, the total and grade following the points a reviewer types on the
    form."""

    _inherit = "crm.appraisal"

    medal = fields.Char(compute="_compute_medal", help="The first three of the team for the period and plan.")

    @api.depends("employee_id.name", "period_id.display_name", "plan_id.name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """Built from its parts in the user's language (the stored name is the one searched):
        "Li Na – 2026年11月 – 销售计划" for a Chinese reader."""
        for appraisal in self:
            parts = (appraisal.employee_id.name, appraisal.period_id.display_name, appraisal.plan_id.name)
            appraisal.display_name = " – ".join(part for part in parts if part)

    def _fetch_line_display(self):
        """Read what the screens show of these appraisals (which the caller reads: they come from
        a search with the caller's rights) and of their lines (read here with the caller's rights):
        the names of their employees, periods and plans, the plan lines' settings, the KPIs (with
        the parts of ratio KPIs and the fields they name, as a forecast reads them next), one
        query per model, narrow where the screens alone read it. These are read as
        superuser: they are what the caller's own records show (a line's KPI name is a related
        field, computed as superuser anyway), and a user whom a worker has not served yet does
        not pay the access rules of seven more models."""
        lines = self.line_ids.sudo()
        appraisals = self.sudo()
        appraisals.employee_id.fetch(["name"])
        appraisals.period_id.fetch(
            ["name", "code", "period_type", "date_from", "date_to", "state", "company_id"]
        )
        appraisals.plan_id.fetch(["name"])
        plan_lines = lines.plan_line_id
        plan_lines.fetch(["kpi_id", "scoring_rule", "max_points"])
        measure.prefetch(plan_lines.kpi_id | appraisals.plan_id._kpis())

    @api.depends("rank")
    def _compute_medal(self):
        for appraisal in self:
            appraisal.medal = MEDALS.get(appraisal.rank, False)

    @api.onchange("line_ids")
    def _onchange_line_ids_total(self):
        """Shown while editing only: the saved lines are scored and totalled by the computation."""
        if self.period_type == "month" and self.state == "draft":
            self.total_score = sum(self.line_ids.mapped("weighted_score"))
            self.grade = scoring.grade(self.total_score, self.plan_id._grade_bands())
