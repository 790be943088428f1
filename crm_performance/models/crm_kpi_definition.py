from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools import currency

SOURCE_MODES = ("count", "sum", "average")
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
}
# choices of the date field pickers of a definition (a client-side domain on ir.model.fields)
# the pickers of a definition offer the fields the user may read: no group, or one of theirs
READABLE = "'|', ('groups', '=', False), ('groups', 'in', user_group_ids)"
DATE_FIELDS_DOMAIN = (
    f"[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), ('store', '=', True), {READABLE}]"
)


class Unmeasured(dict):
    """The values of a KPI that could not be measured: nobody has a value, and ``reason`` says
    why (a filter the database refuses, a field removed by a module update)."""

    def __init__(self, reason):
        super().__init__()
        self.reason = reason


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
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'res.users'),"
        f" ('store', '=', True), {READABLE}]",
        help="The field that attributes a record to a salesperson.",
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

    # composed measures
    numerator_id = fields.Many2one(
        "crm.kpi.definition",
        string="Numerator",
        domain="[('measure_mode', 'in', ('count', 'sum', 'average')), ('id', '!=', id)]",
        check_company=True,
    )
    denominator_id = fields.Many2one(
        "crm.kpi.definition",
        string="Denominator",
        domain="[('measure_mode', 'in', ('count', 'sum', 'average')), ('id', '!=', id)]",
        check_company=True,
    )
    growth_base_id = fields.Many2one(
        "crm.kpi.definition",
        string="Measure Compared",
        domain="[('measure_mode', 'in', ('count', 'sum', 'average')), ('id', '!=', id)]",
        check_company=True,
    )
    growth_compare = fields.Selection(
        [("previous", "Previous period"), ("last_year", "Same period last year")],
        string="Compared With",
        default="previous",
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
            if kpi.user_field_id.relation != "res.users":
                raise ValidationError(
                    _(
                        "KPI “%(kpi)s”: the Salesperson Field must point to users, %(field)s does not.",
                        kpi=kpi.name,
                        field=kpi.user_field_id.name,
                    )
                )
            if kpi.measure_mode == "sum" or (kpi.measure_mode == "average" and kpi.average_of == "field"):
                kpi._check_field(kpi.field_id, _("Measured Field"), NUMERIC_TTYPES)
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
                        "KPI “%(kpi)s”: the measures it is built from must be counts, sums or averages.",
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
        values = self._measure_scan(today, today, self.env.company, {self.env.uid})[self]
        if isinstance(values, Unmeasured):
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
            used = kpi.field_id | kpi.date_field_id | kpi.user_field_id
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
        if SOURCE_FIELDS & set(vals) or {"active", "growth_base_id", "growth_compare"} & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache("model_name")
    def _watched_fields(self, model_name):
        """The fields of ``model_name`` whose change can move a KPI measured on it: salesperson,
        dates, measured fields, the filters' fields, activity and company."""
        kpis = self.sudo().search([("model_id.model", "=", model_name), ("measure_mode", "in", SOURCE_MODES)])
        model = self.env[model_name]
        fnames = {"active", "company_id"}
        for kpi in kpis:
            used = kpi.user_field_id | kpi.date_field_id | kpi.field_id
            used |= kpi.duration_start_field_id | kpi.duration_end_field_id
            fnames.update(used.mapped("name"))
            try:
                fnames.update(path.split(".")[0] for path in _domain_paths(model, kpi._get_domain()))
            except ValidationError:
                continue  # an invalid filter measures nothing: nothing to watch
        if not kpis:
            return frozenset()
        # a stored computed field (won status, probability...) moves with what it depends on
        todo = [fname for fname in fnames if fname in model._fields]
        watched = set(todo)
        while todo:
            for path in model.pool.field_depends.get(model._fields[todo.pop()], ()):
                fname = path.split(".")[0]
                if fname in model._fields and fname not in watched:
                    watched.add(fname)
                    todo.append(fname)
        return frozenset(watched)

    @api.model
    @tools.ormcache("model_name")
    def _placements(self, model_name):
        """``((salesperson field, date field, months shifted), ...)``: where the KPIs measured on
        ``model_name`` place a record; a growth also moves the month it is compared from (the
        next month, or the same month next year)."""
        kpis = self.sudo().search([("model_id.model", "=", model_name), ("measure_mode", "in", SOURCE_MODES)])
        growths = self.sudo().search([("measure_mode", "=", "growth"), ("growth_base_id", "in", kpis.ids)])
        placements = defaultdict(set)
        for kpi in kpis:
            placements[kpi.user_field_id.name, kpi.date_field_id.name].add(0)
        for growth in growths:
            base = growth.growth_base_id
            placements[base.user_field_id.name, base.date_field_id.name].add(
                12 if growth.growth_compare == "last_year" else 1
            )
        return tuple((user, date, tuple(sorted(shifts))) for (user, date), shifts in placements.items())

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
        self.user_field_id = fields_model._get(self.model_id.model, "user_id")
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
        date_fname = self.date_field_id.name
        if self.date_field_id.ttype == "datetime":
            start, stop = map(fields.Datetime.to_string, _utc_bounds(date_from, date_to, _tz(company)))
        else:
            start, stop = map(fields.Date.to_string, (date_from, date_to + timedelta(days=1)))
        domain = self._get_domain() & Domain(date_fname, ">=", start) & Domain(date_fname, "<", stop)
        company_fname = _company_field(self.env[self.model_name])
        if company_fname:
            domain &= Domain(company_fname, "in", [company.id, False])
        return domain

    def _span_domain(self, date_from, date_to, company, user_ids):
        """Filter + date span + company + salespeople, in the source model's terms."""
        return self._period_domain(date_from, date_to, company) & Domain(
            self.user_field_id.name, "in", list(user_ids)
        )

    def _measure(self, date_from, date_to, company, user_ids, cache=None):
        """Return ``{user_id: value}`` of this KPI over [date_from, date_to] in ``company`` for
        ``user_ids``.

        Users without records get 0 for counts and sums, and no entry (no data) for averages,
        ratios with a zero denominator and growths with nothing to compare with, and nobody gets
        an entry when the source model is gone (uninstalled: the KPI's source was emptied). A KPI
        the database cannot measure gives ``Unmeasured`` (no entry, and the reason), and so do
        the ratios and growths built on it. ``cache`` shares the measures of a computation run
        between KPIs built on the same parts (see ``_prefetch_measures``).
        """
        self.ensure_one()
        cache = {} if cache is None else cache
        key = _cache_key(self, date_from, date_to, company, user_ids)
        if key in cache:
            return cache[key]
        if self.measure_mode in SOURCE_MODES and self.model_name not in self.env:
            values = {}
        elif self.measure_mode in SOURCE_MODES:
            values = self._measure_scan(date_from, date_to, company, user_ids)[self]
        elif self.measure_mode == "ratio":
            numerators = self.numerator_id._measure(date_from, date_to, company, user_ids, cache)
            denominators = self.denominator_id._measure(date_from, date_to, company, user_ids, cache)
            values = _first_unmeasured(numerators, denominators) or {
                uid: 100.0 * numerators[uid] / denominator
                for uid, denominator in denominators.items()
                if denominator and uid in numerators
            }
        elif self.measure_mode == "growth":
            before_from, before_to = self._compared_span(date_from, date_to)
            current = self.growth_base_id._measure(date_from, date_to, company, user_ids, cache)
            before = self.growth_base_id._measure(before_from, before_to, company, user_ids, cache)
            values = _first_unmeasured(current, before) or {
                uid: 100.0 * (current.get(uid, 0.0) - base) / abs(base)
                for uid, base in before.items()
                if base
            }
        else:
            values = {}
        cache[key] = values
        return values

    def _prefetch_measures(self, date_from, date_to, company, user_ids, cache):
        """Measure every count/sum/average these KPIs are built from into ``cache``, with one
        scan per source model, salesperson field and span instead of one query per KPI."""
        groups = defaultdict(lambda: self.browse())
        for kpi in self:
            for part, span in kpi._source_parts(date_from, date_to):
                # a source model uninstalled since is measured by _measure: no data
                if part.model_name in self.env and _cache_key(part, *span, company, user_ids) not in cache:
                    groups[part.model_name, part.user_field_id, span] |= part
        for (_model, _user_field, span), kpis in groups.items():
            for kpi, values in kpis._measure_scan(*span, company, user_ids).items():
                cache[_cache_key(kpi, *span, company, user_ids)] = values

    def _source_parts(self, date_from, date_to):
        """[(source KPI, (date_from, date_to))] measured to compute this KPI over the span."""
        self.ensure_one()
        if self.measure_mode in SOURCE_MODES:
            return [(self, (date_from, date_to))]
        if self.measure_mode == "ratio":
            return [(part, (date_from, date_to)) for part in self.numerator_id | self.denominator_id]
        if self.measure_mode == "growth":
            spans = [(date_from, date_to), self._compared_span(date_from, date_to)]
            return [(self.growth_base_id, span) for span in spans]
        return []

    def _measure_scan(self, date_from, date_to, company, user_ids):
        """``{kpi: {user_id: value}}`` of count/sum/average KPIs sharing a source model and a
        salesperson field: one grouped query, each KPI an aggregate filtered by its own domain.
        A KPI whose domain needs a join gets a query of its own. A KPI that cannot be measured
        gets ``Unmeasured`` and leaves the others measured."""
        if not user_ids:
            return {kpi: {} for kpi in self}
        model = self.env[self[:1].model_name].sudo()
        users = Domain(self[:1].user_field_id.name, "in", list(user_ids))
        measured, scans, conditions = {}, [], {}
        for kpi in self:
            try:
                domain = kpi._period_domain(date_from, date_to, company)
                query = model._search(domain)
                if query.is_empty():
                    measured[kpi] = kpi._measured_values({}, user_ids)
                elif query._joins:
                    scans.append((model._search(domain & users), {kpi: SQL("TRUE")}))
                else:
                    conditions[kpi] = query.where_clause if query._where_clauses else SQL("TRUE")
            except Exception as exc:  # a KPI the ORM cannot express must not stop the others
                measured[kpi] = Unmeasured(_reason(exc))
        if conditions:
            shared = model._search(users, active_test=False)
            shared.add_where(SQL("(%s)", SQL(" OR ").join(SQL("(%s)", c) for c in conditions.values())))
            scans.append((shared, conditions))
        for query, kpi_conditions in scans:
            span = (date_from, date_to)
            measured.update(self._run_scan(model, query, kpi_conditions, span, company, user_ids))
        return measured

    def _run_scan(self, model, query, kpi_conditions, span, company, user_ids):
        """Run one grouped scan; if the database refuses it, measure each of its KPIs alone, so
        that only the one it refuses is ``Unmeasured``."""
        kpis = list(kpi_conditions)
        try:
            with self.env.cr.savepoint(flush=False):
                user_sql = model._field_to_sql(model._table, kpis[0].user_field_id.name, query)
                aggregates = [
                    kpi._aggregate_sql(model, query, kpi_conditions[kpi], span, company) for kpi in kpis
                ]
                query.groupby = user_sql
                rows = self.env.execute_query(query.select(user_sql, *aggregates))
        except Exception as exc:  # one KPI the database refuses must not stop the month
            if len(kpis) == 1:
                return {kpis[0]: Unmeasured(_reason(exc))}
            measured = {}
            for kpi in kpis:
                measured.update(kpi._measure_scan(*span, company, user_ids))
            return measured
        return {
            kpi: kpi._measured_values({row[0]: row[index] for row in rows}, user_ids)
            for index, kpi in enumerate(kpis, start=1)
        }

    def _aggregate_sql(self, model, query, condition, span, company):
        """The SQL aggregate of this KPI over the rows matching ``condition``; amounts of a
        currency field stored on the record are converted into the company's currency at the
        rate of the record's date (the KPI's date field)."""
        self.ensure_one()
        if self.measure_mode == "average" and self.average_of == "duration":
            start_sql = model._field_to_sql(model._table, self.duration_start_field_id.name, query)
            end_sql = model._field_to_sql(model._table, self.duration_end_field_id.name, query)
            per_unit = 3600.0 if self.duration_unit == "hours" else 86400.0
            return SQL(
                "AVG(EXTRACT(EPOCH FROM (%s::timestamp - %s::timestamp))) FILTER (WHERE %s) / %s",
                end_sql,
                start_sql,
                SQL("%s AND %s IS NOT NULL AND %s IS NOT NULL", condition, start_sql, end_sql),
                per_unit,
            )
        if self.measure_mode == "count":
            return SQL("COUNT(*) FILTER (WHERE %s)", condition)
        function = SQL("SUM") if self.measure_mode == "sum" else SQL("AVG")
        field_sql = model._field_to_sql(model._table, self.field_id.name, query)
        currency_fname = _record_currency_field(model, self.field_id.name)
        if currency_fname:
            date_sql = model._field_to_sql(model._table, self.date_field_id.name, query)
            if self.date_field_id.ttype == "datetime":
                date_sql = SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)", date_sql, _tz(company))
            currency_sql = model._field_to_sql(model._table, currency_fname, query)
            rate = currency.conversion_sql(currency_sql, SQL("%s::date", date_sql), company)
            field_sql = SQL("%s * %s", field_sql, rate)
        return SQL("%s(%s) FILTER (WHERE %s)", function, field_sql, condition)

    def _measured_values(self, values, user_ids):
        """Counts and sums are 0 for users without records, averages have no entry."""
        self.ensure_one()
        if self.measure_mode != "average":
            values = {uid: float(value or 0.0) for uid, value in values.items()}
            values.update({uid: 0.0 for uid in user_ids if uid not in values})
        return {uid: float(value) for uid, value in values.items() if value is not None}

    def _compared_span(self, date_from, date_to):
        """The span a growth compares with: the previous span of the same length, or last year."""
        self.ensure_one()
        if self.growth_compare == "last_year":
            return date_from - relativedelta(years=1), date_to - relativedelta(years=1)
        next_day = date_to + timedelta(days=1)
        if date_from.day == 1 and next_day.day == 1:
            months = (next_day.year - date_from.year) * 12 + next_day.month - date_from.month
            return date_from - relativedelta(months=months), date_from - timedelta(days=1)
        length = next_day - date_from
        return date_from - length, date_from - timedelta(days=1)

    def _records_kpi(self):
        """The KPI whose records are opened from a line: a ratio's numerator, a growth's base."""
        self.ensure_one()
        if self.measure_mode == "ratio":
            return self.numerator_id
        if self.measure_mode == "growth":
            return self.growth_base_id
        if self.measure_mode not in SOURCE_MODES:
            raise UserError(
                _("KPI “%(kpi)s” is entered by a reviewer; there are no records behind it.", kpi=self.name)
            )
        if not self.model_name or self.model_name not in self.env:
            raise UserError(_("KPI “%(kpi)s”: its Source Model is not installed anymore.", kpi=self.name))
        return self


def _cache_key(kpi, date_from, date_to, company, user_ids):
    return (kpi.id, date_from, date_to, company.id, tuple(sorted(user_ids)))


def _first_unmeasured(*measures):
    return next((values for values in measures if isinstance(values, Unmeasured)), None)


def _reason(exc):
    """One line a manager can read from what stopped a measure."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _tz(company):
    """Time zone in which datetimes are placed in a company's periods: its address's."""
    return company.partner_id.tz or "UTC"


def _company_field(model):
    """The stored company of a model's records (``company_id``), or None for models without."""
    field = model._fields.get("company_id")
    if field and field.store and field.type == "many2one" and field.comodel_name == "res.company":
        return field.name
    return None


def _record_currency_field(model, fname):
    """The currency of a monetary field when each record stores its own (an order, an invoice),
    else None: a currency taken from the record's company is the appraisal's company currency,
    since only that company's records (and shared ones) are counted."""
    field = model._fields[fname]
    if field.type != "monetary":
        return None
    currency_fname = field.get_currency_field(model)
    currency_field = model._fields.get(currency_fname)
    if currency_field and currency_field.store and currency_field.type == "many2one":
        return currency_fname
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


def _utc_bounds(date_from, date_to, tz):
    """Naive UTC datetimes of local midnight at date_from and after date_to in ``tz``."""
    zone = pytz.timezone(tz or "UTC")
    start = zone.localize(datetime.combine(date_from, time.min)).astimezone(pytz.utc)
    stop = zone.localize(datetime.combine(date_to + timedelta(days=1), time.min)).astimezone(pytz.utc)
    return start.replace(tzinfo=None), stop.replace(tzinfo=None)
