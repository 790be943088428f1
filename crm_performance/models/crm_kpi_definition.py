import re
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..engine import forecast, measure, scan, spans
from ..engine.measure import SOURCE_MODES

# models a record can be attributed through: a salesperson (user) or an employee (and their user)
ATTRIBUTION_MODELS = ("res.users", "hr.employee")
NUMERIC_TTYPES = ("integer", "float", "monetary")
DATE_TTYPES = ("date", "datetime")
# what defines the records a definition measures: saving one of them re-checks the author's rights
SOURCE_FIELDS = {
    "measure_mode",
    "model_id",
    "domain",
    "date_field_id",
    "user_field_id",
    "field_id",
    "average_of",
    "duration_start_field_id",
    "duration_end_field_id",
    "customer_field_id",
    "customer_cohort",
    "customer_months",
    "per_customer",
}
# choices of the date field pickers of a definition (a client-side domain on ir.model.fields)
# the pickers of a definition offer the fields the user may read: no group, or one of theirs
READABLE = "'|', ('groups', '=', False), ('groups', 'in', user_group_ids)"
DATE_FIELDS_DOMAIN = (
    f"[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), ('store', '=', True), {READABLE}]"
)


class CrmKpiDefinition(models.Model):
    """What is measured (考核指标) and how a source model's records turn into a number.

    One definition is measured for all salespeople of a period at once: one grouped query for
    count/sum/average, two for ratio (numerator, denominator) and growth (this span, the span
    compared with). Manual and deduction definitions are entered on appraisal lines.
    """

    _name = "crm.kpi.definition"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "KPI Definition"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the definition between companies.",
    )
    description = fields.Text(translate=True)
    measure_mode = fields.Selection(
        [
            ("count", "Count of records"),
            ("sum", "Sum of a field"),
            ("average", "Average"),
            ("customers", "Distinct customers"),
            ("ratio", "Ratio of two measures (%)"),
            ("growth", "Growth vs an earlier span (%)"),
            ("manual", "Manual points"),
            ("deduction", "Deduction per occurrence"),
        ],
        string="Measure",
        required=True,
        default="count",
    )
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    unit = fields.Char(translate=True, help="Suffix shown after values, e.g. %, days, hours, CNY.")

    # source of count / sum / average
    model_id = fields.Many2one(
        "ir.model",
        string="Source Model",
        ondelete="set null",
        default=lambda self: self.env["ir.model"]._get_id("crm.lead"),
        domain="[('id', 'in', readable_model_ids)]",
        tracking=True,
    )
    model_name = fields.Char(related="model_id.model", string="Source Model Name")
    # what the pickers offer: the models and fields the current user may read
    readable_model_ids = fields.Many2many(
        "ir.model", string="Readable Models", compute="_compute_readable_model_ids"
    )
    user_group_ids = fields.Many2many(
        "res.groups", string="Your Groups", compute="_compute_readable_model_ids"
    )
    company_scoped = fields.Boolean(
        string="Counts One Company's Records",
        compute="_compute_company_scoped",
        help="The source model has a company: an appraisal counts only the records of its own "
        "company (and records shared between companies). Without one, every record of the "
        "salesperson counts in each company they are appraised in.",
    )
    domain = fields.Char(
        string="Filter",
        default="[]",
        tracking=True,
        help="Records of the source model that count, as an Odoo domain.",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Date Field",
        ondelete="set null",
        domain=DATE_FIELDS_DOMAIN,
        help="The date that places a record in a period.",
    )
    user_field_id = fields.Many2one(
        "ir.model.fields",
        string="Salesperson Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'),"
        f" ('relation', 'in', {ATTRIBUTION_MODELS!r}), ('store', '=', True), {READABLE}]",
        help="The field that attributes a record to a salesperson: a user (Salesperson) or an "
        "employee (a leave's or an expense's Employee, counted for the employee's user).",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Measured Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('integer', 'float', 'monetary')),"
        f" ('store', '=', True), {READABLE}]",
        help="Numeric field summed or averaged.",
    )
    average_of = fields.Selection(
        [("field", "A numeric field"), ("duration", "Time between two dates")],
        default="field",
    )
    duration_start_field_id = fields.Many2one(
        "ir.model.fields",
        string="From Date",
        ondelete="set null",
        domain=DATE_FIELDS_DOMAIN,
    )
    duration_end_field_id = fields.Many2one(
        "ir.model.fields",
        string="To Date",
        ondelete="set null",
        domain=DATE_FIELDS_DOMAIN,
    )
    duration_unit = fields.Selection([("hours", "Hours"), ("days", "Days")], default="days")

    # distinct customers
    customer_field_id = fields.Many2one(
        "ir.model.fields",
        string="Customer Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'res.partner'),"
        f" ('store', '=', True), {READABLE}]",
        help="The customer of a record (an order's Customer): customers are counted once each.",
    )
    customer_cohort = fields.Selection(
        [
            ("active", "Customers of the period"),
            ("new", "New customers (first record ever)"),
            ("previous", "Customers of the previous period"),
            ("returning", "Customers of the previous period who came back"),
            ("lost", "Customers of the previous period who did not come back"),
        ],
        string="Customers Counted",
        default="active",
        help="Which customers of the salesperson count. The previous period is the span of the same "
        "length just before (the previous month for a month). New: no record of the customer under "
        "the filter in the company before the period, whoever sold. With a Measured Field, its sum "
        "over these customers' records of the period (of the previous period for the previous and "
        "lost customers) is measured instead of their number. Repurchase and retention "
        "= returning ÷ previous, churn = lost ÷ previous, as ratios.",
    )
    customer_months = fields.Integer(
        string="Over Months",
        default=0,
        help="0: the customers of the period. N: those of the N months ending with the period's last "
        "day (and the previous span is the N months before): a measure over a customer's lifetime, "
        "e.g. 12 for the customer lifetime value over a year.",
    )
    per_customer = fields.Boolean(
        string="Average per Customer",
        help="With a Measured Field: its sum over the cohort's records divided by the number of "
        "customers of the cohort (customer lifetime value: revenue per customer over the months "
        "covered). A salesperson without customers has no value.",
    )

    # composed measures
    numerator_id = fields.Many2one(
        "crm.kpi.definition",
        string="Numerator",
        domain=f"[('measure_mode', 'in', {SOURCE_MODES!r}), ('id', '!=', id)]",
        check_company=True,
        ondelete="restrict",
    )
    denominator_id = fields.Many2one(
        "crm.kpi.definition",
        string="Denominator",
        domain=f"[('measure_mode', 'in', {SOURCE_MODES!r}), ('id', '!=', id)]",
        check_company=True,
        ondelete="restrict",
    )
    growth_base_id = fields.Many2one(
        "crm.kpi.definition",
        string="Measure Compared",
        domain=f"[('measure_mode', 'in', {SOURCE_MODES!r}), ('id', '!=', id)]",
        check_company=True,
        ondelete="restrict",
    )
    growth_compare = fields.Selection(
        [("previous", "Previous period"), ("last_year", "Same period last year")],
        string="Compared With",
        default="previous",
    )

    forecast_method = fields.Selection(
        [
            ("pace", "Pace over a month of working days"),
            ("won", "Open opportunities × win rate (won)"),
            ("lost", "Open opportunities × loss rate (lost)"),
            ("closed", "Open opportunities closing (won or lost)"),
            ("none", "The actual as it stands"),
        ],
        string="Forecast",
        compute="_compute_forecast_method",
        store=True,
        readonly=False,
        precompute=True,
        help="How the period's end is forecast from today. The pipeline methods count the "
        "salesperson's open opportunities expected to close by the period's end (overdue ones "
        "included), each weighted by the chance it closes by then (how past deals slipped past "
        "their expected closing) and by the win rate of its stage on the deals closed over the "
        "previous months (counts: one per opportunity; sums: its amount of the measured field), "
        "plus the deals outside the pipeline, as in the previous months. Pace: the working days "
        "left at the salesperson's pace over the last month of working days. Ratios forecast "
        "their numerator and denominator.",
    )

    # manual / deduction
    max_points = fields.Float(
        default=100.0, help="Manual: the most points a reviewer can give. Deduction: the starting points."
    )
    penalty = fields.Float(
        string="Penalty per Occurrence",
        default=0.0,
        help="Points removed per occurrence (e.g. per day absent; half a day counts as a day).",
    )

    _max_points_positive = models.Constraint(
        "CHECK(max_points > 0)",
        "The maximum points of a KPI must be greater than zero.",
    )
    _penalty_positive = models.Constraint(
        "CHECK(penalty >= 0)",
        "The penalty per occurrence cannot be negative.",
    )

    @api.depends_context("uid")
    def _compute_readable_model_ids(self):
        models_ = self.env["ir.model"].sudo().search([("transient", "=", False)])
        readable = models_.filtered(
            lambda m: m.model in self.env and self.env[m.model].browse().has_access("read")
        )
        for kpi in self:
            kpi.readable_model_ids = readable
            kpi.user_group_ids = self.env.user.all_group_ids

    @api.depends("model_id")
    def _compute_company_scoped(self):
        for kpi in self:
            kpi.company_scoped = bool(kpi.model_name in self.env and _company_field(self.env[kpi.model_name]))

    @api.depends("measure_mode", "model_id", "domain", "date_field_id", "user_field_id")
    def _compute_forecast_method(self):
        for kpi in self:
            kpi.forecast_method = kpi._pipeline_method() or (
                "pace" if kpi.measure_mode in ("count", "sum", "customers") else "none"
            )

    def _pipeline_method(self):
        """ "won", "lost" or "closed" for a count or sum of the salesperson's opportunities closed
        in the period whose filter is only their outcome (what the open pipeline can add to);
        False otherwise."""
        self.ensure_one()
        if (
            self.measure_mode not in ("count", "sum")
            or self.model_name != "crm.lead"
            or self.date_field_id.name != "date_closed"
            or self.user_field_id.name != "user_id"
        ):
            return False
        try:
            leaves = safe_eval(self.domain or "[]")
        except (ValueError, SyntaxError, NameError):
            return False
        outcomes = set()
        for leaf in leaves:
            if not isinstance(leaf, list | tuple) or len(leaf) != 3:
                return False
            fname, operator, value = leaf
            if fname == "won_status" and operator in ("=", "in"):
                outcomes |= set(value if isinstance(value, list | tuple) else [value])
            elif fname not in ("active", "type"):
                return False
        return {
            frozenset(["won"]): "won",
            frozenset(["lost"]): "lost",
            frozenset(["won", "lost"]): "closed",
        }.get(frozenset(outcomes), False)

    def _forecast_spec(self):
        """How this KPI is forecast, as the engine reads it (``engine.forecast.KpiSpec``)."""
        self.ensure_one()
        if self.measure_mode == "ratio":
            return forecast.KpiSpec(
                self.id,
                "ratio",
                numerator=self.numerator_id._forecast_spec(),
                denominator=self.denominator_id._forecast_spec(),
            )
        pipeline = self.forecast_method in forecast.PIPELINE_METHODS
        return forecast.KpiSpec(
            self.id,
            self.forecast_method or "none",
            field=self.field_id.name if pipeline and self.measure_mode == "sum" else None,
            types=self._pipeline_types() if pipeline else None,
        )

    def _pipeline_types(self):
        """The lead types ("lead", "opportunity") a pipeline KPI's domain keeps; None: all."""
        for fname, operator, value in safe_eval(self.domain or "[]"):
            if fname == "type" and operator in ("=", "in"):
                return tuple(value) if isinstance(value, list | tuple) else (value,)
        return None

    @api.constrains("forecast_method", "measure_mode", "model_id", "user_field_id")
    def _check_forecast_method(self):
        for kpi in self:
            pipeline = kpi.forecast_method in ("won", "lost", "closed")
            if pipeline and (
                kpi.measure_mode not in ("count", "sum")
                or kpi.model_name != "crm.lead"
                or kpi.user_field_id.name != "user_id"
            ):
                raise ValidationError(
                    _(
                        "KPI “%(kpi)s”: a pipeline forecast needs a count or sum of opportunities "
                        "(Lead/Opportunity) attributed by their Salesperson.",
                        kpi=kpi.name,
                    )
                )

    @api.constrains(*SOURCE_FIELDS)
    def _check_source(self):
        for kpi in self.filtered(lambda k: k.measure_mode in SOURCE_MODES):
            if not kpi.model_id:
                raise ValidationError(
                    _("KPI “%(kpi)s”: choose the Source Model whose records are measured.", kpi=kpi.name)
                )
            if kpi.model_name not in self.env:
                raise ValidationError(
                    _(
                        "KPI “%(kpi)s”: the Source Model %(model)s is not installed.",
                        kpi=kpi.name,
                        model=kpi.model_name,
                    )
                )
            kpi._check_field(kpi.date_field_id, _("Date Field"), DATE_TTYPES)
            kpi._check_field(kpi.user_field_id, _("Salesperson Field"), ("many2one",))
            if kpi.user_field_id.relation not in ATTRIBUTION_MODELS:
                raise ValidationError(
                    _(
                        "KPI “%(kpi)s”: the Salesperson Field must point to users or employees, "
                        "%(field)s does not.",
                        kpi=kpi.name,
                        field=kpi.user_field_id.name,
                    )
                )
            if kpi.measure_mode == "sum" or (kpi.measure_mode == "average" and kpi.average_of == "field"):
                kpi._check_field(kpi.field_id, _("Measured Field"), NUMERIC_TTYPES)
            if kpi.measure_mode == "customers":
                kpi._check_field(kpi.customer_field_id, _("Customer Field"), ("many2one",))
                if kpi.customer_field_id.relation != "res.partner":
                    raise ValidationError(
                        _(
                            "KPI “%(kpi)s”: the Customer Field must point to contacts, %(field)s does not.",
                            kpi=kpi.name,
                            field=kpi.customer_field_id.name,
                        )
                    )
                if kpi.customer_months < 0:
                    raise ValidationError(
                        _(
                            "KPI “%(kpi)s”: Over Months is a number of months, 0 or more (0: the period).",
                            kpi=kpi.name,
                        )
                    )
                if kpi.field_id:
                    kpi._check_field(kpi.field_id, _("Measured Field"), NUMERIC_TTYPES)
                elif kpi.per_customer:
                    raise ValidationError(
                        _(
                            "KPI “%(kpi)s”: an average per customer needs the Measured Field it averages.",
                            kpi=kpi.name,
                        )
                    )
            if kpi.measure_mode == "average" and kpi.average_of == "duration":
                kpi._check_field(kpi.duration_start_field_id, _("From Date"), DATE_TTYPES)
                kpi._check_field(kpi.duration_end_field_id, _("To Date"), DATE_TTYPES)
            kpi._get_domain()
            kpi._check_measurable()

    @api.constrains("measure_mode", "numerator_id", "denominator_id", "growth_base_id")
    def _check_composition(self):
        for kpi in self:
            if kpi.measure_mode == "ratio":
                if not (kpi.numerator_id and kpi.denominator_id):
                    raise ValidationError(
                        _("KPI “%(kpi)s”: a ratio needs a Numerator and a Denominator.", kpi=kpi.name)
                    )
                parts = kpi.numerator_id | kpi.denominator_id
            elif kpi.measure_mode == "growth":
                if not kpi.growth_base_id:
                    raise ValidationError(
                        _("KPI “%(kpi)s”: a growth rate needs the Measure Compared.", kpi=kpi.name)
                    )
                parts = kpi.growth_base_id
            else:
                continue
            if kpi in parts or any(part.measure_mode not in SOURCE_MODES for part in parts):
                raise ValidationError(
                    _(
                        "KPI “%(kpi)s”: the measures it is built from must be counts, sums, averages "
                        "or customers.",
                        kpi=kpi.name,
                    )
                )

    def _check_field(self, field, label, ttypes):
        self.ensure_one()
        if not field:
            raise ValidationError(_("KPI “%(kpi)s”: the %(label)s is required.", kpi=self.name, label=label))
        model_field = self.env[self.model_name]._fields.get(field.name)
        if field.model_id != self.model_id or not model_field:
            raise ValidationError(
                _(
                    "KPI “%(kpi)s”: the %(label)s %(field)s does not exist on %(model)s.",
                    kpi=self.name,
                    label=label,
                    field=field.name,
                    model=self.model_name,
                )
            )
        if field.ttype not in ttypes or not model_field.store:
            raise ValidationError(
                _(
                    "KPI “%(kpi)s”: the %(label)s %(field)s must be a stored field of type %(types)s.",
                    kpi=self.name,
                    label=label,
                    field=field.field_description,
                    types=", ".join(ttypes),
                )
            )

    def _check_measurable(self):
        """Measure one day for the current user: a definition the database cannot measure (a
        filter it cannot express, a field without a column) is refused when it is saved."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        values = scan.scan(self, today, today, self.env.company, {self.env.uid})[self]
        if isinstance(values, scan.Unmeasured):
            raise ValidationError(
                _("KPI “%(kpi)s” cannot be measured: %(reason)s", kpi=self.name, reason=values.reason)
            )

    def _check_source_access(self):
        """Who saves a definition must be allowed to read its source model and every field it
        uses (measured, dates, salesperson, the filter's fields along their paths): it is
        measured as superuser and shown on appraisal lines, so it must not reveal more than its
        author may see. Definitions already saved keep working for whoever runs them."""
        if self.env.su:
            return
        for kpi in self.filtered(lambda k: k.measure_mode in SOURCE_MODES and k.model_name in self.env):
            model = self.env[kpi.model_name]
            if not model.browse().has_access("read"):
                raise AccessError(
                    _(
                        "KPI “%(kpi)s”: you may not read %(model)s, so you cannot measure it.",
                        kpi=kpi.name,
                        model=kpi.model_id.name,
                    )
                )
            used = kpi.field_id | kpi.date_field_id | kpi.user_field_id | kpi.customer_field_id
            if kpi.measure_mode == "average" and kpi.average_of == "duration":
                used |= kpi.duration_start_field_id | kpi.duration_end_field_id
            paths = [(model, field.name) for field in used]
            paths += [(model, path) for path in _domain_paths(model, kpi._get_domain())]
            for path_model, path in paths:
                for step_model, field in _walk_path(path_model, path):
                    if not (step_model._has_field_access(field, "read") and step_model.has_access("read")):
                        raise AccessError(
                            _(
                                "KPI “%(kpi)s”: you may not read the field “%(field)s” of %(model)s, "
                                "so you cannot measure it.",
                                kpi=kpi.name,
                                field=field._description_string(self.env),
                                model=self.env["ir.model"]._get(step_model._name).name,
                            )
                        )

    @api.model_create_multi
    def create(self, vals_list):
        kpis = super().create(vals_list)
        kpis._check_source_access()
        self.env.registry.clear_cache()  # _watched_fields, _placements
        return kpis

    def write(self, vals):
        result = super().write(vals)
        if SOURCE_FIELDS & set(vals):
            self._check_source_access()
            self.env["crm.appraisal.period"]._drop_forecast_days()  # the pace tails measured them
        # the compiled conditions, the watched fields and the plans' rules (a line's direction,
        # the definitions its KPI is composed of)
        if (
            SOURCE_FIELDS
            | {"active", "numerator_id", "denominator_id", "growth_base_id", "growth_compare", "direction"}
        ) & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _notify_unmeasured(self, reason):
        """A KPI failed at run time: its lines say why; the administrator gets one activity."""
        self.ensure_one()
        admins = self.env.ref("crm_performance.crm_performance_group_admin").sudo().all_user_ids
        admins = admins.filtered(lambda u: not u.share and u.active and not u._is_superuser())
        user = self.write_uid if self.write_uid in admins else admins.sorted("id")[:1]
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        if not user or self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=_("KPI “%(kpi)s” could not be measured", kpi=self.name),
            note=reason,
        )

    @api.onchange("model_id")
    def _onchange_model_id(self):
        """Offer the conventional fields of the new source model."""
        if not self.model_id:
            return
        fields_model = self.env["ir.model.fields"]
        user_field = fields_model._get(self.model_id.model, "user_id")
        self.user_field_id = user_field if user_field.relation == "res.users" else False
        if not self.user_field_id:
            employee_field = fields_model._get(self.model_id.model, "employee_id")
            self.user_field_id = employee_field if employee_field.relation == "hr.employee" else False
        partner_field = fields_model._get(self.model_id.model, "partner_id")
        self.customer_field_id = partner_field if partner_field.relation == "res.partner" else False
        self.date_field_id = fields_model._get(self.model_id.model, "create_date")
        self.field_id = self.duration_start_field_id = self.duration_end_field_id = False
        self.domain = "[]"

    def _get_domain(self):
        """The definition's filter as a Domain, validated against its source model."""
        self.ensure_one()
        try:
            domain = Domain(safe_eval(self.domain or "[]", {"uid": self.env.uid, "user": self.env.user}))
            domain.validate(self.env[self.model_name])
        except Exception as exc:
            raise ValidationError(
                _(
                    "KPI “%(kpi)s”: the Filter is not a valid domain on %(model)s: %(error)s",
                    kpi=self.name,
                    model=self.model_name,
                    error=exc,
                )
            ) from exc
        return domain

    # ------------------------------------------------------------------
    # measurement
    # ------------------------------------------------------------------

    def _period_domain(self, date_from, date_to, company):
        """Filter + date span + the company's records, in the source model's terms.

        A record of a model with a company counts in the appraisals of its company; records
        shared between companies (no company) count in each."""
        self.ensure_one()
        domain = self._get_domain() & self._date_domain(date_from, date_to, company)
        company_fname = _company_field(self.env[self.model_name])
        if company_fname:
            domain &= Domain(company_fname, "in", [company.id, False])
        if self.measure_mode == "customers":
            domain &= Domain(self.customer_field_id.name, "!=", False)
        return domain

    def _period_condition(self, date_from, date_to, company):
        """What ``_period_domain`` selects as SQL over the source model's table (every scan of a
        definition and period, the live recompute's too, compiles it once per server process):
        ``None`` when no record can match, ``False`` when the filter needs a join (the scan then
        runs a search of its own)."""
        self.ensure_one()
        return self._compiled_period_condition(date_from, date_to, company.id, spans.company_tz(company))

    def _filter_user(self):
        """The user whom the filter names (``uid``, ``user``: who is asking), if it names one:
        the part of a compiled condition that depends on the caller."""
        return self.env.uid if re.search(r"\b(uid|user)\b", self.domain or "") else None

    @tools.ormcache(
        "self.id",
        "date_from",
        "date_to",
        "company_id",
        "tz",
        "self._filter_user()",
        "self.env.lang",
        "self.env.context.get('active_test', True)",
    )
    def _compiled_period_condition(self, date_from, date_to, company_id, tz):
        """``_period_condition`` of a company in time zone ``tz`` (the key of the cache: a
        definition saved clears it)."""
        query = (
            self.env[self.model_name]
            .sudo()
            ._search(self._period_domain(date_from, date_to, self.env["res.company"].browse(company_id)))
        )
        if query.is_empty():
            return None
        if query._joins:
            return False
        return query.where_clause if query._where_clauses else SQL("TRUE")

    def _date_domain(self, date_from, date_to, company):
        """Records whose date falls in [date_from, date_to] (datetimes in the company's time zone)."""
        self.ensure_one()
        date_fname = self.date_field_id.name
        if self.date_field_id.ttype == "datetime":
            bounds = spans.utc_bounds(date_from, date_to, spans.company_tz(company))
            start, stop = map(fields.Datetime.to_string, bounds)
        else:
            start, stop = map(fields.Date.to_string, (date_from, date_to + timedelta(days=1)))
        return Domain(date_fname, ">=", start) & Domain(date_fname, "<", stop)

    def _user_domain(self, user_ids):
        """Records attributed to ``user_ids``: through a user field, or an employee field's user."""
        self.ensure_one()
        fname = self.user_field_id.name
        if self.user_field_id.relation == "hr.employee":
            fname = f"{fname}.user_id"
        return Domain(fname, "in", list(user_ids))

    def _user_sql(self, model, query):
        """The user a record is attributed to, as SQL (an employee field is joined to its user)."""
        self.ensure_one()
        fname = self.user_field_id.name
        if self.user_field_id.relation != "hr.employee":
            return model._field_to_sql(model._table, fname, query)
        alias = query.left_join(model._table, fname, "hr_employee", "id", fname)
        return SQL.identifier(alias, "user_id")

    def _span_domain(self, date_from, date_to, company, user_ids):
        """Filter + date span + company + salespeople, in the source model's terms."""
        return self._period_domain(date_from, date_to, company) & self._user_domain(user_ids)

    def _measure(self, date_from, date_to, company, user_ids):
        """``{user_id: value}`` of this KPI over [date_from, date_to] in ``company`` for
        ``user_ids`` (``engine.measure.Measurement.values``). A computation measuring many KPIs
        declares them all on one ``Measurement`` instead: one scan per source model and span."""
        self.ensure_one()
        return measure.Measurement(self.env, company, user_ids).values(self, date_from, date_to)

    def _measured_span(self, date_from, date_to):
        """The span whose records a source KPI measures for the period [date_from, date_to]: the
        period, or for a customer measure over N months the N months ending with its last day."""
        self.ensure_one()
        if self.measure_mode != "customers" or not self.customer_months:
            return date_from, date_to
        return spans.trailing_months(date_to, self.customer_months)

    def _cohort_customer_ids(self, date_from, date_to, company, user_id):
        """The customers of a distinct-customer KPI's cohort for one salesperson in the period
        [date_from, date_to] (drill-down), over the months the KPI covers."""
        self.ensure_one()
        inner, cohorts = scan.cohort_sql(self, *self._measured_span(date_from, date_to), company, {user_id})
        rows = self.env.execute_query(
            SQL("SELECT cohort.c FROM (%s) AS cohort WHERE %s", inner, cohorts[self][0])
        )
        return [row[0] for row in rows]

    def _compared_span(self, date_from, date_to, compare=None):
        """The span a growth compares with (``compare`` overrides its setting): the previous span
        of the same length, or last year."""
        self.ensure_one()
        return spans.compared_span(date_from, date_to, compare or self.growth_compare)

    def _records_kpi(self, part="numerator"):
        """The KPI whose records are opened from a line: a ratio's numerator or denominator
        (``part``), a growth's base."""
        self.ensure_one()
        if self.measure_mode == "ratio":
            return self.denominator_id if part == "denominator" else self.numerator_id
        if self.measure_mode == "growth":
            return self.growth_base_id
        if self.measure_mode not in SOURCE_MODES:
            raise UserError(
                _("KPI “%(kpi)s” is entered by a reviewer; there are no records behind it.", kpi=self.name)
            )
        if not self.model_name or self.model_name not in self.env:
            raise UserError(_("KPI “%(kpi)s”: its Source Model is not installed anymore.", kpi=self.name))
        return self


def _company_field(model):
    """The stored company of a model's records (``company_id``), or None for models without."""
    field = model._fields.get("company_id")
    if field and field.store and field.type == "many2one" and field.comodel_name == "res.company":
        return field.name
    return None


def _domain_paths(model, domain):
    """Every field path a domain reads, the paths of ``any`` sub-domains included."""
    for condition in domain.iter_conditions():
        yield condition.field_expr
        if condition.operator in ("any", "not any", "any!", "not any!"):
            steps = list(_walk_path(model, condition.field_expr))
            if steps and steps[-1][1].relational:
                comodel = model.env[steps[-1][1].comodel_name]
                for path in _domain_paths(comodel, Domain(condition.value)):
                    yield f"{condition.field_expr}.{path}"


def _walk_path(model, path):
    """(model, field) of each step of a dotted field path; a date part (``date.month``) ends it."""
    for name in path.split("."):
        field = model._fields.get(name)
        if field is None:
            return
        yield model, field
        if not field.relational:
            return
        model = model.env[field.comodel_name]
