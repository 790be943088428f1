from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmKpiTarget(models.Model):
    """Target (目标) of a KPI for an employee or a sales team in a period."""

    _name = "crm.kpi.target"
    _description = "KPI Target"
    _order = "period_id desc, kpi_id, team_id, employee_id, id"
    _check_company_auto = True

    kpi_id = fields.Many2one(
        "crm.kpi.definition", string="KPI", required=True, ondelete="cascade", check_company=True
    )
    period_id = fields.Many2one(
        "crm.appraisal.period", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    target_type = fields.Selection(
        [("employee", "Employee"), ("team", "Sales Team")], required=True, default="employee"
    )
    employee_id = fields.Many2one("hr.employee", index=True, check_company=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    value = fields.Float(string="Target", required=True)
    unit = fields.Char(related="kpi_id.unit")
    split_mode = fields.Selection(
        [("equal", "Equally"), ("weight", "By member weight")],
        string="Split",
        default="equal",
        help="How a team target is split over the team members.",
    )
    parent_id = fields.Many2one(
        "crm.kpi.target", string="Split From", ondelete="set null", readonly=True, index="btree_not_null"
    )

    _employee_unique = models.UniqueIndex(
        "(kpi_id, period_id, employee_id) WHERE employee_id IS NOT NULL",
        "There is already a target for this KPI, employee and period.",
    )
    _team_unique = models.UniqueIndex(
        "(kpi_id, period_id, team_id) WHERE team_id IS NOT NULL AND employee_id IS NULL",
        "There is already a target for this KPI, sales team and period.",
    )

    @api.depends("kpi_id", "period_id", "employee_id", "team_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for target in self:
            subject = target.employee_id.name or target.team_id.name or ""
            target.display_name = f"{target.kpi_id.name} / {subject} / {target.period_id.display_name}"

    @api.constrains("target_type", "employee_id", "team_id")
    def _check_subject(self):
        for target in self:
            if target.target_type == "employee" and not target.employee_id:
                raise ValidationError(_("A target for an employee needs the Employee."))
            if target.target_type == "team" and (not target.team_id or target.employee_id):
                raise ValidationError(_("A team target needs the Sales Team and no Employee."))

    @api.constrains("value", "kpi_id")
    def _check_value(self):
        for target in self:
            if target.value < 0 or (
                target.value == 0 and target.kpi_id.measure_mode not in ("manual", "deduction")
            ):
                raise ValidationError(
                    _(
                        "The target of “%(kpi)s” must be greater than 0: achievement is actual ÷ target "
                        "(or target ÷ actual when lower is better).",
                        kpi=target.kpi_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets.period_id._check_open()
        return targets

    def write(self, vals):
        self.period_id._check_open()
        result = super().write(vals)
        self.period_id._check_open()
        return result

    def unlink(self):
        self.period_id._check_open()
        return super().unlink()

    def action_split(self):
        """Split team targets over the team members (equally or by member weight)."""
        values = []
        for target in self:
            if target.target_type != "team":
                raise UserError(_("Only team targets can be split over members."))
            members = target.team_id.crm_team_member_ids.filtered(
                lambda m: m.active and m.user_id.employee_id
            )
            if not members:
                raise UserError(
                    _("Sales team %(team)s has no members linked to an employee.", team=target.team_id.name)
                )
            weights = {m: (m.target_weight if target.split_mode == "weight" else 1.0) for m in members}
            total = sum(weights.values())
            if total <= 0:
                raise UserError(
                    _("The members of %(team)s have no target weight to split by.", team=target.team_id.name)
                )
            existing = self.search(
                [
                    ("kpi_id", "=", target.kpi_id.id),
                    ("period_id", "=", target.period_id.id),
                    ("employee_id", "in", members.user_id.employee_id.ids),
                ]
            )
            by_employee = {t.employee_id: t for t in existing}
            for member, weight in weights.items():
                employee = member.user_id.employee_id
                share = target.value * weight / total
                if employee in by_employee:
                    by_employee[employee].write({"value": share, "parent_id": target.id})
                else:
                    values.append(
                        {
                            "kpi_id": target.kpi_id.id,
                            "period_id": target.period_id.id,
                            "target_type": "employee",
                            "employee_id": employee.id,
                            "value": share,
                            "parent_id": target.id,
                        }
                    )
        self.create(values)
        return True

    @api.model
    def _lookup(self, period, kpis, employees):
        """{(kpi id, employee id): value} of the employee targets of a period, one query."""
        rows = self.search_read(
            [("period_id", "=", period.id), ("kpi_id", "in", kpis.ids), ("employee_id", "in", employees.ids)],
            ["kpi_id", "employee_id", "value"],
            load=False,
        )
        return {(row["kpi_id"], row["employee_id"]): row["value"] for row in rows}
