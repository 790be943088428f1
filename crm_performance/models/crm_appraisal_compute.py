"""Computation of appraisals: a month's lines and totals from the engine (measure -> score ->
total), line edits, and quarters and years rolled up from their stored months."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

from .. import engine
from ..engine import measure
from ..engine.measure import Measurement, Unmeasured
from ..tools import bulk
from ..tools.trusted import TRUSTED
from .crm_appraisal import BATCH_CONTEXT, COMPUTE, INPUT_FIELDS, LINE_RESULTS


class CrmAppraisal(models.Model):
    _inherit = "crm.appraisal"

    def _compute_scores(self):
        """Recompute the draft appraisals of open periods: months from CRM data, then rollups.

        Runs as superuser once the caller is known to be allowed to change these appraisals: a
        score counts every record of the salesperson, whoever asks.
        """
        self.check_access("write")
        todo = (
            self.filtered(lambda a: a.state == "draft" and a.period_id.state == "open")
            .with_context(**BATCH_CONTEXT)
            .sudo()
        )
        months = todo.filtered(lambda a: a.period_type == "month")
        for period, appraisals in months.grouped("period_id").items():
            appraisals._compute_month(period)
        for period, appraisals in (todo - months).grouped("period_id").items():
            appraisals._compute_rollup(period)

    def _compute_month(self, period):
        """Score the appraisals of a month (``_score_month``) and store the results: one INSERT
        of the missing lines, one UPDATE of the lines whose results changed, one UPDATE of the
        totals (``tools.bulk``): no statement per employee."""
        Line = self.env["crm.appraisal.line"]
        Line.flush_model(["appraisal_id", "plan_line_id", *INPUT_FIELDS, *LINE_RESULTS])
        existing, stored = defaultdict(list), {}
        rows = self.env.execute_query(
            SQL(
                "SELECT appraisal_id, id, plan_line_id, manual_points, occurrences, entered, %s"
                " FROM crm_appraisal_line WHERE appraisal_id = ANY(%s) ORDER BY id",
                SQL(", ").join(SQL.identifier(fname) for fname in LINE_RESULTS),
                self.ids,
            )
        )
        for appraisal_id, line_id, plan_line_id, manual_points, occurrences, entered, *results in rows:
            existing[appraisal_id].append(
                (line_id, plan_line_id, manual_points or 0.0, occurrences or 0.0, bool(entered))
            )
            stored[line_id] = tuple(results)
        scores = self._score_month(
            period,
            [
                (appraisal.employee_id, appraisal.user_id.id, appraisal.plan_id, existing[appraisal.id])
                for appraisal in self
            ],
        )
        as_stored = [bulk.converter(Line, fname) for fname in LINE_RESULTS]
        updated_ids, updated, inserted = [], [], []
        for appraisal, (lines, _totals) in zip(self, scores, strict=True):
            for line_id, plan_line_id, sequence, values in lines:
                if not line_id:
                    inserted.append(Line._prepare_line_vals(appraisal, plan_line_id, sequence, values))
                elif stored[line_id] != tuple(
                    convert(values[fname]) for fname, convert in zip(LINE_RESULTS, as_stored, strict=True)
                ):
                    updated_ids.append(line_id)
                    updated.append(values)
        bulk.update(Line.browse(updated_ids), updated)
        bulk.create(Line, inserted)
        now = fields.Datetime.now()
        bulk.update(
            self,
            [
                {**appraisal._keep_correction(totals), "computed_at": now}
                for appraisal, (_lines, totals) in zip(self, scores, strict=True)
            ],
        )
        self._compute_signals(period)

    @api.model
    def _score_month(self, period, entries):
        """Measure every KPI of the plans once for all employees of the month, then score.

        ``entries`` are (employee, their user's id, plan, stored lines): the lines of an
        existing appraisal as (id, plan line id, manual points, occurrences, entered), none for
        a new one. Every figure counts the period's company's records only; a KPI that cannot
        be measured leaves its lines unscored with the reason, and its administrator an
        activity. Returns, per entry, its lines as (line id or None, plan line id, sequence, result
        values), one for each KPI line the plan has now besides the stored ones, and its totals;
        all from plain values.
        """
        Line = self.env["crm.appraisal.line"]
        PlanLine = self.env["crm.appraisal.plan.line"]
        employees = self.env["hr.employee"].union(*(entry[0] for entry in entries))
        plans = self.env["crm.appraisal.plan"].union(*(entry[2] for entry in entries))
        plan_rules = {plan.id: plan._rules() for plan in plans}
        specs = plans._line_specs(row[1] for entry in entries for row in entry[3])
        plan_lines = PlanLine.browse(sorted(specs))
        kpis = self.env["crm.kpi.definition"].browse(sorted({spec.kpi_id for spec in specs.values()}))
        measure.prefetch(kpis | plans._kpis())
        company = period.company_id
        user_ids = {entry[1] for entry in entries}
        measurement = (
            Measurement(self.env, company, user_ids).need(kpis, period.date_from, period.date_to).run()
        )
        measured = {
            kpi.id: measurement.values(kpi, period.date_from, period.date_to)
            for kpi in kpis
            if kpi.measure_mode not in ("manual", "deduction")
        }
        unmeasured = {
            kpi_id: _("Could not be measured: %(reason)s", reason=values.reason)
            for kpi_id, values in measured.items()
            if isinstance(values, Unmeasured)
        }
        for kpi_id, note in unmeasured.items():
            self.env["crm.kpi.definition"].browse(kpi_id)._notify_unmeasured(note)
        targets = self.env["crm.kpi.target"].sudo()._lookup(period, kpis, employees)
        fed = self._fed_occurrences(period, employees, plan_lines)
        prorated = self._target_factors(period, employees, plan_lines)
        scorers = {line_id: PlanLine._scorer_for(spec.rule) for line_id, spec in specs.items()}
        stored = bulk.converter(Line, "weighted_score")
        scores = []
        for employee, uid, plan, stored_lines in entries:
            rules = plan_rules[plan.id]
            missing = set(rules.line_ids).difference(row[1] for row in stored_lines)
            lines = stored_lines + [
                (None, plan_line_id, 0.0, 0.0, False)
                for plan_line_id in rules.line_ids
                if plan_line_id in missing
            ]
            scored, ranked = [], []
            for index, (line_id, plan_line_id, manual_points, occurrences, entered) in enumerate(lines):
                kpi_id, sequence, default_target, rule, _alert = specs[plan_line_id]
                feed = fed.get((employee.id, plan_line_id))
                factor, prorated_note = prorated.get((employee.id, plan_line_id), (1.0, False))
                values = scorers[plan_line_id](
                    measured.get(kpi_id, {}).get(uid),
                    targets.get((kpi_id, employee.id), default_target) * factor,
                    manual_points,
                    # fed from data, unless the manager entered a value
                    feed[0] if feed and not entered else occurrences,
                    entered or bool(feed),
                )
                values["fed"] = bool(feed)
                if feed:
                    values["note"] = self._fed_note(values["note"], feed, entered)
                if prorated_note:
                    values["note"] = "; ".join(filter(None, [prorated_note, values["note"]]))
                if kpi_id in unmeasured:
                    values["note"] = unmeasured[kpi_id]
                scored.append((line_id, plan_line_id, sequence, values))
                # totals add the values as stored, in the lines' order (sequence, id; new ones last)
                ranked.append(((sequence, line_id is None, line_id or index), values, rule.is_completion))
            ranked.sort(key=lambda item: item[0])
            scores.append(
                (
                    scored,
                    engine.score.totals(
                        [(values, completion) for _key, values, completion in ranked], rules.bands, stored
                    ),
                )
            )
        return scores

    @api.model
    def _fed_occurrences(self, period, employees, plan_lines):
        """Hook for the bridge modules: ``{(employee id, plan line id): (occurrences, source)}``
        of the deduction lines fed from data in ``period`` (e.g. the days of approved leave of
        the types a line names, with ``source`` "approved leave"). A fed line counts as entered;
        a value the manager enters overrides the feed, and the line says so."""
        return {}

    @api.model
    def _target_factors(self, period, employees, plan_lines):
        """Hook for the bridge modules: ``{(employee id, plan line id): (factor, note)}``, the
        share of the target an employee is measured against in ``period`` (e.g. the working
        days not on leave) and what the line says about it; 1 for everyone else."""
        return {}

    @api.model
    def _fed_note(self, note, feed, entered_by_hand):
        """What a deduction line fed from data says: where its occurrences come from, or that the
        manager's value overrides them (then the line's own note)."""
        occurrences, source = feed
        if entered_by_hand:
            said = _("entered by hand over %(fed)s from %(source)s", fed=f"{occurrences:g}", source=source)
        else:
            said = _("%(fed)s from %(source)s", fed=f"{occurrences:g}", source=source)
        return "; ".join(filter(None, [said, note]))

    def _compute_totals(self):
        now = fields.Datetime.now()
        for appraisal in self.with_context(**{COMPUTE: TRUSTED}):
            values = engine.score.totals(
                [(line, line.is_completion_line) for line in appraisal.line_ids],
                appraisal.plan_id._grade_bands(),
            )
            appraisal.write({**appraisal._keep_correction(values), "computed_at": now})

    def _compute_rollup(self, period):
        """Quarter / year: mean of the monthly totals; missing months listed, counted per plan."""
        month_starts = period._month_starts()
        monthly = self.search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("plan_id", "in", self.plan_id.ids),
                ("period_type", "=", "month"),
                ("date_from", ">=", period.date_from),
                ("date_to", "<=", period.date_to),
            ]
        )
        by_key = monthly.grouped(lambda a: (a.employee_id, a.plan_id))
        now = fields.Datetime.now()
        vals_list = []
        for appraisal in self:
            months = by_key.get((appraisal.employee_id, appraisal.plan_id), self.browse())
            present = {m.date_from.replace(day=1) for m in months}
            missing = [start for start in month_starts if start not in present]
            totals = engine.score.rollup(
                [(month.total_score, month.completion_rate) for month in months],
                len(month_starts),
                appraisal.plan_id.rollup_missing,
                appraisal.plan_id._grade_bands(),
            )
            vals_list.append(
                {
                    **appraisal._keep_correction(totals),
                    "month_count": len(month_starts),
                    "months_present": len(months),
                    "missing_months": ", ".join(f"{m.year}-{m.month:02d}" for m in missing) or False,
                    "computed_at": now,
                }
            )
        bulk.update(self, vals_list)
