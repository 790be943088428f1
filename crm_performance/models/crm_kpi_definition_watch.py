"""What a change to a source record can move: the fields the KPIs measured on a model read (and
what these depend on), and where a record is placed (salesperson field, date field, months).
``crm.performance.source`` reads them to mark the months a write makes stale (live recompute)."""

from collections import defaultdict

from odoo import api, models, tools
from odoo.exceptions import ValidationError

from ..engine.measure import SOURCE_MODES
from .crm_kpi_definition import _domain_paths


class CrmKpiDefinition(models.Model):
    _inherit = "crm.kpi.definition"

    @api.model
    @tools.ormcache("model_name")
    def _watched_fields(self, model_name):
        """The fields of ``model_name`` whose change can move a KPI measured on it: salesperson,
        dates, measured fields, the filters' fields, activity and company."""
        kpis = self.sudo().search([("model_id.model", "=", model_name), ("measure_mode", "in", SOURCE_MODES)])
        model = self.env[model_name]
        fnames = {"active", "company_id"}
        for kpi in kpis:
            used = kpi.user_field_id | kpi.date_field_id | kpi.field_id | kpi.customer_field_id
            used |= kpi.duration_start_field_id | kpi.duration_end_field_id
            fnames.update(used.mapped("name"))
            try:
                fnames.update(path.split(".")[0] for path in _domain_paths(model, kpi._get_domain()))
            except ValidationError:
                continue  # an invalid filter measures nothing: nothing to watch
        if not kpis:
            return frozenset()
        # a stored computed field (won status, probability...) moves with what it depends on
        return frozenset(_with_dependencies(model, fnames))

    @api.model
    @tools.ormcache("line_model_name", "parent_fname")
    def _watched_line_fields(self, line_model_name, parent_fname):
        """The fields of ``line_model_name`` (lines of a measured record, through their many2one
        ``parent_fname``) whose change moves a watched field of their record: what the record's
        computed fields depend on through its lines (an order's amounts on its lines' prices,
        discounts and quantities), and what these depend on in turn."""
        line_model = self.env[line_model_name]
        parent = self.env[line_model._fields[parent_fname].comodel_name]
        watched = self._watched_fields(parent._name)
        one2manys = {
            fname
            for fname in watched
            if parent._fields[fname].type == "one2many"
            and parent._fields[fname].comodel_name == line_model_name
            and parent._fields[fname].inverse_name == parent_fname
        }
        todo = [
            path.split(".")[1]
            for fname in watched
            for path in parent.pool.field_depends.get(parent._fields[fname], ())
            if "." in path and path.split(".")[0] in one2manys
        ]
        fields_ = _with_dependencies(line_model, todo)
        if fields_:
            fields_.add(parent_fname)  # a line moved to another record moves both
        return frozenset(fields_)

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
            months = max(kpi.customer_months, 1) if kpi.measure_mode == "customers" else 1
            if kpi.measure_mode == "customers" and kpi.customer_cohort != "active":
                # the previous-span cohorts of the next months, the new customers of later months
                months *= 2
            # a record counts in the months whose span (N months for a customer measure) holds it
            placements[kpi.user_field_id.name, kpi.date_field_id.name].update(range(months))
        for growth in growths:
            base = growth.growth_base_id
            placements[base.user_field_id.name, base.date_field_id.name].add(
                12 if growth.growth_compare == "last_year" else 1
            )
        return tuple((user, date, tuple(sorted(shifts))) for (user, date), shifts in placements.items())


def _with_dependencies(model, fnames):
    """The fields ``fnames`` of ``model`` and, transitively, the fields of ``model`` they depend
    on (what a stored computed field is recomputed from)."""
    todo = [fname for fname in fnames if fname in model._fields]
    closed = set(todo)
    while todo:
        for path in model.pool.field_depends.get(model._fields[todo.pop()], ()):
            fname = path.split(".")[0]
            if fname in model._fields and fname not in closed:
                closed.add(fname)
                todo.append(fname)
    return closed
