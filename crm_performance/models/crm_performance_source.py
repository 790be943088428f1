from dateutil.relativedelta import relativedelta

from odoo import api, models


class CrmPerformanceSource(models.AbstractModel):
    """Records KPIs are measured on (leads, activities, meetings, customers; orders and invoices
    with the bridge modules): a change that can move a KPI marks the draft month appraisals of
    the salespeople it concerns, before and after the change, in the same transaction; the live
    recompute job then recomputes just those (``crm.appraisal._cron_recompute_live``)."""

    _name = "crm.performance.source"
    _description = "Records Measured by KPIs"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._performance_touch(set())
        return records

    def write(self, vals):
        watched = self.env["crm.kpi.definition"]._watched_fields(self._name)
        if not watched.intersection(vals):
            return super().write(vals)
        before = self._performance_stamps()
        result = super().write(vals)
        self._performance_touch(before)
        return result

    def unlink(self):
        before = self._performance_stamps()
        result = super().unlink()
        self.env["crm.appraisal"]._mark_dirty_later(before)
        return result

    def _performance_touch(self, before):
        self.env["crm.appraisal"]._mark_dirty_later(before | self._performance_stamps())

    def _performance_stamps(self):
        """``{(user id, day)}`` that place these records in a salesperson's months, for every
        KPI measured on this model (a datetime near midnight may fall on the next or previous
        day in the company's time zone: both are marked)."""
        stamps = set()
        placements = self.env["crm.kpi.definition"]._placements(self._name)
        if not placements or not self:
            return stamps
        records = self.sudo().with_context(active_test=False)
        fnames = {fname for placement in placements for fname in placement[:2]}
        records.fetch(list(fnames))
        for user_fname, date_fname, shifts in placements:
            for record in records:
                user, moment = record[user_fname], record[date_fname]
                if user._name == "hr.employee":  # a KPI attributed through an employee
                    user = user.user_id
                if not (user and moment):
                    continue
                for day in _days(moment):
                    stamps.update((user.id, day + relativedelta(months=shift)) for shift in shifts)
        return stamps


def _days(moment):
    if hasattr(moment, "date"):  # a datetime, in UTC
        day = moment.date()
        return {day.fromordinal(day.toordinal() - 1), day, day.fromordinal(day.toordinal() + 1)}
    return {moment}


class CrmPerformanceSourceLine(models.AbstractModel):
    """Lines of a measured record (an order's lines): adding, removing or editing a line in a way
    that moves a measured field of its record (an order's untaxed amount, when a price, a
    discount or a quantity changes) marks the record's draft months as a change of the record
    itself would. ``_performance_parent`` names the line's many2one to its record."""

    _name = "crm.performance.source.line"
    _description = "Lines of Records Measured by KPIs"
    _performance_parent = None

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if self._performance_watched():
            lines._performance_parents()._performance_touch(set())
        return lines

    def write(self, vals):
        if not self._performance_watched().intersection(vals):
            return super().write(vals)
        parents = self._performance_parents()
        before = parents._performance_stamps()
        result = super().write(vals)
        (parents | self._performance_parents())._performance_touch(before)
        return result

    def unlink(self):
        stamps = self._performance_parents()._performance_stamps() if self._performance_watched() else set()
        result = super().unlink()
        self.env["crm.appraisal"]._mark_dirty_later(stamps)
        return result

    def _performance_parents(self):
        return self.sudo()[self._performance_parent]

    def _performance_watched(self):
        """The fields of the lines whose change moves a watched field of their record."""
        return self.env["crm.kpi.definition"]._watched_line_fields(self._name, self._performance_parent)
