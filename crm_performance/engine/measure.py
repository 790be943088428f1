"""Measurement: declare what a computation must measure (KPIs x salespeople x spans), run the
batched scans, read each KPI's values.

    measurement = Measurement(env, company, user_ids)
    measurement.need(kpis, date_from, date_to).run()
    measurement.values(kpi, date_from, date_to)   # {user id: value}, or Unmeasured

The KPIs declared are reduced to their source parts (a ratio to its numerator and denominator,
a growth to its base over both spans) and the parts grouped by source model, salesperson field,
customer field and span: one grouped scan each (``engine.scan``), whatever the number of KPIs.
Ratios and growths are composed from their parts (``ratio``, ``growth``: plain Python). One
measurement serves a whole run: a month's generation or recompute, a forecast, a benchmark.
"""

from collections import defaultdict

from . import scan
from .scan import Unmeasured

SOURCE_MODES = ("count", "sum", "average", "customers")

__all__ = [
    "SOURCE_MODES",
    "Measurement",
    "Unmeasured",
    "composition",
    "growth",
    "prefetch",
    "ratio",
    "source_parts",
]


class Measurement:
    def __init__(self, env, company, user_ids):
        self.env = env
        self.company = company
        self.user_ids = frozenset(user_ids)
        self._values = {}  # (source KPI id, span): {user id: value}
        self._pending = defaultdict(dict)  # (model, user field, customer field, span): {KPI id: None}

    def need(self, kpis, date_from, date_to):
        """Declare that ``kpis`` are read over [date_from, date_to]; returns the measurement."""
        prefetch(kpis)
        for kpi in kpis:
            for part, span in source_parts(kpi, date_from, date_to):
                # a source model uninstalled since has no data (``values``)
                if part.model_name in self.env and (part.id, span) not in self._values:
                    key = (part.model_name, part.user_field_id.id, part.customer_field_id.id, span)
                    self._pending[key][part.id] = None
        return self

    def run(self):
        """Run the scans of what was declared since the last run; returns the measurement."""
        pending, self._pending = self._pending, defaultdict(dict)
        try:  # one savepoint for all the scans
            with self.env.cr.savepoint(flush=False):
                measured = self._scan(pending, guard=False)
        except Exception:  # a scan the database refused: each scan on its own, so only its KPIs fail
            measured = self._scan(pending, guard=True)
        self._values.update(measured)
        return self

    def _scan(self, pending, guard):
        """``{(KPI id, span): {user id: value}}`` of the scans ``pending``."""
        definitions = self.env["crm.kpi.definition"]
        measured = {}
        for (_model, _user_field, _customer_field, span), kpi_ids in pending.items():
            scanned = scan.scan(definitions.browse(kpi_ids), *span, self.company, self.user_ids, guard)
            measured.update({(kpi.id, span): values for kpi, values in scanned.items()})
        return measured

    def values(self, kpi, date_from, date_to):
        """``{user id: value}`` of ``kpi`` over [date_from, date_to] (parts not declared are
        measured now).

        Users without records get 0 for counts and sums, and no entry (no data) for averages,
        ratios with a zero denominator and growths with nothing to compare with; nobody gets an
        entry when the source model is gone (uninstalled: the KPI's source was emptied) or for a
        KPI entered by hand. A KPI the database cannot measure gives ``Unmeasured``, and so do
        the ratios and growths built on it.
        """
        if kpi.measure_mode in SOURCE_MODES:
            if kpi.model_name not in self.env:
                return {}
            key = (kpi.id, kpi._measured_span(date_from, date_to))
            if key not in self._values:
                self.need(kpi, date_from, date_to).run()
            return self._values[key]
        if kpi.measure_mode == "ratio":
            return ratio(
                self.values(kpi.numerator_id, date_from, date_to),
                self.values(kpi.denominator_id, date_from, date_to),
            )
        if kpi.measure_mode == "growth":
            return growth(
                self.values(kpi.growth_base_id, date_from, date_to),
                self.values(kpi.growth_base_id, *kpi._compared_span(date_from, date_to)),
            )
        return {}


def composition(kpis):
    """The definitions ``kpis`` are composed of, themselves included: a ratio's parts, a growth's
    base, and theirs (read a level at a time)."""
    definitions = kpis.browse()
    while kpis - definitions:
        definitions |= kpis
        kpis = definitions.numerator_id | definitions.denominator_id | definitions.growth_base_id
    return definitions


def prefetch(kpis):
    """Read the definitions ``kpis`` are composed of, their source models' names and the fields
    they name at once (rather than a query per model or field as the scans read them); ``kpis``
    holding their parts already (``crm.appraisal.plan._kpis``) read them all in one query."""
    definitions = composition(kpis)
    fields = (
        definitions.user_field_id
        | definitions.date_field_id
        | definitions.field_id
        | definitions.customer_field_id
        | definitions.duration_start_field_id
        | definitions.duration_end_field_id
    )
    # read as the scans read them: whoever asks
    definitions.model_id.sudo().fetch(["model"])
    fields.sudo().fetch(["name", "ttype", "relation"])


def source_parts(kpi, date_from, date_to):
    """[(source KPI, span)] measured to compute ``kpi`` over [date_from, date_to]."""
    if kpi.measure_mode in SOURCE_MODES:
        return [(kpi, kpi._measured_span(date_from, date_to))]
    if kpi.measure_mode == "ratio":
        return [
            part_span
            for part in (kpi.numerator_id, kpi.denominator_id)
            for part_span in source_parts(part, date_from, date_to)
        ]
    if kpi.measure_mode == "growth":
        spans = [(date_from, date_to), kpi._compared_span(date_from, date_to)]
        return [part_span for span in spans for part_span in source_parts(kpi.growth_base_id, *span)]
    return []


def ratio(numerators, denominators):
    """100 x numerator / denominator per user; no entry for a zero denominator or a user without
    a numerator; ``Unmeasured`` when a part is."""
    failed = _first_unmeasured(numerators, denominators)
    if failed is not None:
        return failed
    return {
        uid: 100.0 * numerators[uid] / denominator
        for uid, denominator in denominators.items()
        if denominator and uid in numerators
    }


def growth(current, before):
    """Growth in % of ``current`` over ``before`` per user (a user without a current value grew
    from ``before`` to 0); no entry where there is nothing to compare with."""
    failed = _first_unmeasured(current, before)
    if failed is not None:
        return failed
    return {uid: 100.0 * (current.get(uid, 0.0) - base) / abs(base) for uid, base in before.items() if base}


def _first_unmeasured(*measures):
    """The first part that could not be measured (an empty dict, so tested by type), or None."""
    return next((values for values in measures if isinstance(values, Unmeasured)), None)
