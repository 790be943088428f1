from odoo import _, api, fields, models
from odoo.fields import Domain


class CrmKpiTargetGrid(models.TransientModel):
    """Set Targets: the employees × measured KPIs of a plan for a month, in one editable list.

    Creates the missing employee targets (prefilled with the plan line's default target) and
    opens them grouped by employee, so a whole team's targets are typed in one screen.
    """

    _name = "crm.kpi.target.grid"
    _description = "Set Targets"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    period_id = fields.Many2one(
        "crm.appraisal.period",
        required=True,
        default=lambda self: self._default_period_id(),
        domain="[('company_id', '=', company_id), ('state', '=', 'open'), ('period_type', '=', 'month')]",
    )
    plan_id = fields.Many2one(
        "crm.appraisal.plan", string="Plan", required=True, domain="[('company_id', '=', company_id)]"
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Only the employees of this team's members.",
    )
    department_id = fields.Many2one(
        "hr.department",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Only the employees of this department and its sub-departments.",
    )
    # computed as superuser: a performance administrator need not be an HR officer to see who
    # the plan applies to (Odoo 19 checks the read access of a many2many's comodel on write)
    employee_ids = fields.Many2many(
        "hr.employee", string="Employees", compute="_compute_grid", compute_sudo=True
    )
    kpi_ids = fields.Many2many(
        "crm.kpi.definition", string="KPIs", compute="_compute_grid", compute_sudo=True
    )
    no_default_kpi_ids = fields.Many2many(
        "crm.kpi.definition",
        string="KPIs without Default Target",
        compute="_compute_grid",
        compute_sudo=True,
        help="Targets must be greater than 0: no row is created for these KPIs; add them in the list "
        "or give their plan line a default target.",
    )

    def _default_period_id(self):
        today = fields.Date.context_today(self)
        return self.env["crm.appraisal.period"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("state", "=", "open"),
                ("period_type", "=", "month"),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ],
            limit=1,
        )

    @api.depends("plan_id", "team_id", "department_id")
    def _compute_grid(self):
        for grid in self:
            lines = grid._measured_lines()
            grid.employee_ids = grid._employees()
            grid.kpi_ids = lines.kpi_id
            grid.no_default_kpi_ids = lines.filtered(lambda line: not line.default_target).kpi_id

    def _measured_lines(self):
        """The plan lines measured from data: the ones that take a target."""
        return self.plan_id.line_ids.filtered(lambda line: line.scoring_rule not in ("manual", "deduction"))

    def _employees(self):
        if not self.plan_id:
            return self.env["hr.employee"]
        domain = Domain("id", "in", self.plan_id._get_applicable_employees().ids)
        if self.team_id:
            domain &= Domain("user_id", "in", self.team_id.member_ids.ids)
        if self.department_id:
            domain &= Domain("department_id", "child_of", self.department_id.id)
        return self.env["hr.employee"].search(domain)

    def action_apply(self):
        """Create the missing targets, then open the grid of the period's targets."""
        self.ensure_one()
        self.period_id._check_open()
        targets = self.env["crm.kpi.target"]
        lines = self._measured_lines()
        employees = self.employee_ids
        grid_domain = [
            ("period_id", "=", self.period_id.id),
            ("kpi_id", "in", lines.kpi_id.ids),
            ("employee_id", "in", employees.ids),
        ]
        existing = set(targets._read_group(grid_domain, ["kpi_id", "employee_id"]))
        targets.create(
            [
                {
                    "kpi_id": line.kpi_id.id,
                    "period_id": self.period_id.id,
                    "target_type": "employee",
                    "employee_id": employee.id,
                    "value": line.default_target,
                }
                for employee in employees
                for line in lines.filtered("default_target")
                if (line.kpi_id, employee) not in existing
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Targets %(period)s – %(plan)s", period=self.period_id.name, plan=self.plan_id.name),
            "res_model": "crm.kpi.target",
            "views": [(self.env.ref("crm_performance.crm_kpi_target_view_list_grid").id, "list")],
            "domain": grid_domain,
            "context": {
                "group_by": ["employee_id"],
                "default_period_id": self.period_id.id,
                "default_target_type": "employee",
            },
        }
