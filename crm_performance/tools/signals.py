"""Integrity signals (数据造假 / 虚填虚报): the records behind the patterns that inflate a score.

Each signal is measured for every salesperson of a period with one query, as the KPIs are (the
three activity signals share one); ``measure`` returns ``{kind: {user id: [record ids]}}``: the
records that make each signal, of the period's company (and shared ones), sorted. The model
(``crm.appraisal.signal``) compares their number with the company's threshold; nothing here
changes a score.

What Odoo 19 community stores, and what each measure reads:

- the moment an activity was marked done: done activities are archived (``active`` False,
  ``date_done`` the day); the archiving write is its last, so ``write_date`` is the moment;
- a lead's stage history: ``mail.tracking.value`` rows of ``stage_id`` (old and new stage ids)
  and of ``active`` (1 → 0 when it is lost or archived), dated by their ``mail.message``;
- a lead's company, a customer's company: ``company_id``; activities have none: those on
  another company's lead do not count.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from odoo.tools import SQL

from ..models.crm_kpi_definition import _tz, _utc_bounds


@dataclass(frozen=True)
class Scope:
    """The salespeople and the month a period's signals are measured for; the company's
    settings (``company``) give the parameters."""

    env: object
    company: object
    user_ids: tuple
    date_to: date
    start: datetime  # the period's first local midnight, in UTC
    stop: datetime  # the local midnight after the period, in UTC
    tz: str

    @classmethod
    def of(cls, period, user_ids):
        tz = _tz(period.company_id)
        start, stop = _utc_bounds(period.date_from, period.date_to, tz)
        return cls(period.env, period.company_id, tuple(sorted(user_ids)), period.date_to, start, stop, tz)


def measure(scope, thresholds):
    """``{kind: {user id: [record ids]}}`` of the signals ``thresholds`` (``{kind: threshold}``)
    names, in ``scope``: a query per signal, but the activity signals share one, which reads
    the month's done activities once."""
    if not scope.user_ids:
        return {kind: {} for kind in thresholds}
    found = {kind: defaultdict(list) for kind in thresholds}
    statements = [
        _tagged(kind, MEASURES[kind](scope, threshold))
        for kind, threshold in thresholds.items()
        if kind not in ON_DONE
    ]
    on_done = [kind for kind in thresholds if kind in ON_DONE]
    if on_done:
        statements.append(
            SQL(
                "WITH done AS MATERIALIZED (%s) %s",
                _done_activities(scope),
                SQL(" UNION ALL ").join(
                    _tagged(kind, ON_DONE[kind](scope, thresholds[kind])) for kind in on_done
                ),
            )
        )
    for statement in statements:
        for kind, user_id, record_id in scope.env.execute_query(statement):
            found[kind][user_id].append(record_id)
    return {kind: {uid: sorted(set(ids)) for uid, ids in by_user.items()} for kind, by_user in found.items()}


def _tagged(kind, query):
    """The (user_id, id) rows of a signal's query, with the signal's kind first."""
    return SQL("SELECT %s, found.user_id, found.id FROM (%s) found", kind, query)


# ----------------------------------------------------------------------------------------------
# shared parts
# ----------------------------------------------------------------------------------------------


def _of_company(alias, scope):
    """The company's records and the shared ones (no company)."""
    return SQL(
        "(%s.company_id = %s OR %s.company_id IS NULL)",
        SQL.identifier(alias),
        scope.company.id,
        SQL.identifier(alias),
    )


def _local(column, scope):
    """A UTC datetime column in the company's time zone (as KPIs place datetimes)."""
    return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)", column, scope.tz)


def _done_activities(scope):
    """Activities on leads marked done in the period by the salespeople, but for those on
    another company's leads: id, user_id, done_at (UTC), created, date_deadline. ``date_done``
    (a UTC day, indexed) narrows the scan before the exact moment; the other companies' leads
    are read from the ``company_id`` index (``<`` or ``>``: ``<>`` would read every lead)."""
    return SQL(
        """SELECT a.id, a.user_id, a.write_date AS done_at, a.create_date AS created, a.date_deadline
             FROM mail_activity a
            WHERE a.res_model = 'crm.lead' AND NOT a.active AND a.date_done IS NOT NULL
              AND a.date_done BETWEEN %(first_day)s AND %(last_day)s
              AND a.write_date >= %(start)s AND a.write_date < %(stop)s
              AND a.user_id = ANY(%(users)s)
              AND NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.id = a.res_id
                                 AND (l.company_id < %(company)s OR l.company_id > %(company)s))""",
        first_day=scope.start.date(),
        last_day=scope.stop.date(),
        start=scope.start,
        stop=scope.stop,
        users=list(scope.user_ids),
        company=scope.company.id,
    )


def _won_leads(scope):
    """Condition on ``l``: won in the period by the salespeople, of the company."""
    return SQL(
        "l.won_status = 'won' AND l.date_closed >= %s AND l.date_closed < %s AND l.user_id = ANY(%s) AND %s",
        scope.start,
        scope.stop,
        list(scope.user_ids),
        _of_company("l", scope),
    )


def _new_customers(scope):
    """Condition on ``p``: customers created in the period with the salesperson set, as the
    "New customers" KPI counts them (no parent, active), of the company."""
    return SQL(
        "p.parent_id IS NULL AND p.active AND p.create_date >= %s AND p.create_date < %s"
        " AND p.user_id = ANY(%s) AND %s",
        scope.start,
        scope.stop,
        list(scope.user_ids),
        _of_company("p", scope),
    )


def _stage_moves(lead, condition, scope):
    """EXISTS a tracked stage change of lead ``lead`` (alias) matching ``condition`` on ``v``
    (the tracking value) and ``m`` (its message)."""
    return SQL(
        """EXISTS (SELECT 1 FROM mail_message m
                     JOIN mail_tracking_value v ON v.mail_message_id = m.id
                    WHERE m.model = 'crm.lead' AND m.res_id = %s.id AND v.field_id = %s AND %s)""",
        SQL.identifier(lead),
        _lead_field(scope, "stage_id"),
        condition,
    )


def _lead_field(scope, fname):
    """The id of a lead field, as tracking values name it (cached by the registry)."""
    return scope.env["ir.model.fields"]._get("crm.lead", fname).id


def _vat(column):
    """A tax ID as letters and digits in upper case, NULL when empty."""
    return SQL("NULLIF(UPPER(REGEXP_REPLACE(COALESCE(%s, ''), '[^[:alnum:]]', '', 'g')), '')", column)


WON_STAGES = SQL("(SELECT id FROM crm_stage WHERE is_won)")


# ----------------------------------------------------------------------------------------------
# the signals
# ----------------------------------------------------------------------------------------------


def pull_forward(scope, _threshold):
    """Leads won (moved to a won stage) in the last N days of the period, then moved out of the
    won stage or archived (lost) in the first M days of the next period. Candidates: leads whose
    stage changed since the window opened (``date_last_stage_update``, indexed; losing a lead
    keeps its stage, so a lost one still qualifies)."""
    company = scope.company
    win_start, _stop = _utc_bounds(
        scope.date_to - timedelta(days=company.performance_signal_pull_forward_days - 1),
        scope.date_to,
        scope.tz,
    )
    _start, after_stop = _utc_bounds(
        scope.date_to + timedelta(days=1),
        scope.date_to + timedelta(days=company.performance_signal_pull_forward_after_days),
        scope.tz,
    )
    return SQL(
        """SELECT l.user_id, l.id FROM crm_lead l
            WHERE l.user_id = ANY(%(users)s) AND %(company)s AND l.date_last_stage_update >= %(win_start)s
              AND EXISTS (
                  SELECT 1 FROM mail_message w
                    JOIN mail_tracking_value wv ON wv.mail_message_id = w.id
                   WHERE w.model = 'crm.lead' AND w.res_id = l.id AND wv.field_id = %(stage)s
                     AND wv.new_value_integer IN %(won)s
                     AND w.date >= %(win_start)s AND w.date < %(stop)s
                     AND EXISTS (
                         SELECT 1 FROM mail_message r
                           JOIN mail_tracking_value rv ON rv.mail_message_id = r.id
                          WHERE r.model = 'crm.lead' AND r.res_id = l.id
                            AND r.date > w.date AND r.date >= %(stop)s AND r.date < %(after_stop)s
                            AND ((rv.field_id = %(stage)s AND rv.old_value_integer IN %(won)s
                                  AND rv.new_value_integer NOT IN %(won)s)
                                 OR (rv.field_id = %(active)s AND rv.old_value_integer = 1
                                     AND rv.new_value_integer = 0))))""",
        users=list(scope.user_ids),
        company=_of_company("l", scope),
        win_start=win_start,
        stop=scope.stop,
        after_stop=after_stop,
        stage=_lead_field(scope, "stage_id"),
        active=_lead_field(scope, "active"),
        won=WON_STAGES,
    )


# the activity signals read ``done``: the month's done activities (``_done_activities``)


def activity_burst(scope, threshold):
    """Activities marked done in a burst: ``threshold`` or more done by the same salesperson
    within the company's burst minutes (every activity of such a window). A window starts at an
    activity whose ``threshold - 1``-th next one comes within the minutes. Such a window lies in
    two consecutive slices of that many minutes holding ``threshold`` activities together: only
    these slices' activities are sorted."""
    window = timedelta(minutes=scope.company.performance_signal_burst_minutes)
    return SQL(
        """WITH slices AS (
                    SELECT user_id, %(slice)s AS slice, COUNT(*) AS n FROM done GROUP BY 1, 2),
                hot AS (
                    SELECT x.user_id, x.slice FROM slices x
                      LEFT JOIN slices y ON y.user_id = x.user_id AND y.slice = x.slice + %(window)s
                     WHERE x.n + COALESCE(y.n, 0) >= %(size)s),
                near AS (
                    SELECT DISTINCT d.id, d.user_id, d.done_at FROM done d
                      JOIN hot h ON h.user_id = d.user_id
                               AND %(d_slice)s IN (h.slice, h.slice + %(window)s)),
                starts AS (
                    SELECT user_id, done_at FROM (
                        SELECT user_id, done_at, LEAD(done_at, %(later)s) OVER (
                                   PARTITION BY user_id ORDER BY done_at, id) AS last_at
                          FROM near) w
                     WHERE last_at <= done_at + %(window)s)
           SELECT DISTINCT d.user_id, d.id FROM near d
             JOIN starts s ON s.user_id = d.user_id
                          AND d.done_at >= s.done_at AND d.done_at <= s.done_at + %(window)s""",
        slice=SQL("DATE_BIN(%s, done_at, TIMESTAMP '2000-01-01')", window),
        d_slice=SQL("DATE_BIN(%s, d.done_at, TIMESTAMP '2000-01-01')", window),
        size=threshold,
        window=window,
        later=threshold - 1,
    )


def activity_after_hours(scope, threshold):
    """Activities marked done outside the company's working hours (its time zone), counted on
    the days a salesperson marked ``threshold`` or more of them so."""
    company = scope.company
    hour = SQL("EXTRACT(EPOCH FROM %s::time) / 3600.0", _local(SQL("done_at"), scope))
    return SQL(
        """SELECT user_id, id FROM (
               SELECT user_id, id, COUNT(*) OVER (PARTITION BY user_id, %(day)s) AS n
                 FROM done
                WHERE %(hour)s < %(hour_from)s OR %(hour)s >= %(hour_to)s) late
            WHERE n >= %(size)s""",
        day=SQL("%s::date", _local(SQL("done_at"), scope)),
        hour=hour,
        hour_from=company.performance_signal_work_hour_from,
        hour_to=company.performance_signal_work_hour_to,
        size=threshold,
    )


def activity_backdated(scope, _threshold):
    """Activities marked done in the period whose due date is before the day they were
    created: entered after the fact."""
    return SQL("SELECT user_id, id FROM done WHERE date_deadline < %s::date", _local(SQL("created"), scope))


def empty_win(scope, _threshold):
    """Deals won in the period with no activity ever marked done on them and no meeting."""
    return SQL(
        """SELECT l.user_id, l.id FROM crm_lead l
            WHERE %s
              AND NOT EXISTS (SELECT 1 FROM mail_activity a
                               WHERE a.res_model = 'crm.lead' AND a.res_id = l.id
                                 AND NOT a.active AND a.date_done IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM calendar_event e WHERE e.opportunity_id = l.id)""",
        _won_leads(scope),
    )


def quick_win(scope, _threshold):
    """Deals won in the period on the day they were created (company time zone), of the
    company's amount or more."""
    return SQL(
        """SELECT l.user_id, l.id FROM crm_lead l
            WHERE %s AND l.expected_revenue >= %s AND %s::date = %s::date""",
        _won_leads(scope),
        scope.company.performance_signal_quick_win_amount,
        _local(SQL("l.create_date"), scope),
        _local(SQL("l.date_closed"), scope),
    )


def thin_customer(scope, _threshold):
    """New customers with a phone and nothing else: no email, street, city, tax ID or website."""
    empty = SQL(" AND ").join(
        SQL("COALESCE(p.%s, '') = ''", SQL.identifier(fname))
        for fname in ("email", "street", "city", "vat", "website")
    )
    return SQL(
        "SELECT p.user_id, p.id FROM res_partner p WHERE %s AND COALESCE(p.phone, '') <> '' AND %s",
        _new_customers(scope),
        empty,
    )


def duplicate_customer(scope, _threshold):
    """New customers with the normalized email, the sanitized phone (Odoo's ``phone_sanitized``:
    E.164 when the phonenumbers library is installed) or the tax ID (letters and digits, upper
    case) of a customer created before them, of the company or shared, outside
    their own company's contacts."""
    same = [
        SQL("o.email_normalized = n.email_normalized"),
        SQL("o.phone_sanitized = n.phone_sanitized"),
        SQL("o.vat IS NOT NULL AND %s = n.vat", _vat(SQL("o.vat"))),
    ]
    return SQL(
        """WITH n AS (
               SELECT p.id, p.user_id, p.create_date, p.commercial_partner_id, p.email_normalized,
                      p.phone_sanitized, %(new_vat)s AS vat
                 FROM res_partner p WHERE %(new)s)
           %(matches)s""",
        new_vat=_vat(SQL("p.vat")),
        new=_new_customers(scope),
        matches=SQL(" UNION ").join(
            SQL(
                """SELECT n.user_id, n.id FROM n JOIN res_partner o ON %s
                    WHERE o.active AND (o.create_date, o.id) < (n.create_date, n.id)
                      AND o.commercial_partner_id IS DISTINCT FROM n.commercial_partner_id AND %s""",
                condition,
                _of_company("o", scope),
            )
            for condition in same
        ),
    )


def stage_jump(scope, _threshold):
    """Deals won in the period that went from the first stage of their team's pipeline (the
    lowest sequence among the stages of all teams and of theirs) straight to a won stage: a
    tracked move first stage → won, and no stage left other than the first or a won one."""
    field = scope.env["crm.stage"]._fields["team_ids"]
    first = SQL(
        """(SELECT s.id FROM crm_stage s
             WHERE NOT EXISTS (SELECT 1 FROM %(rel)s r WHERE r.%(stage)s = s.id)
                OR EXISTS (SELECT 1 FROM %(rel)s r WHERE r.%(stage)s = s.id AND r.%(team)s = l.team_id)
             ORDER BY s.sequence, s.id LIMIT 1)""",
        rel=SQL.identifier(field.relation),
        stage=SQL.identifier(field.column1),
        team=SQL.identifier(field.column2),
    )
    return SQL(
        "SELECT l.user_id, l.id FROM crm_lead l WHERE %s AND %s AND NOT %s",
        _won_leads(scope),
        _stage_moves(
            "l",
            SQL("v.old_value_integer = %s AND v.new_value_integer IN %s", first, WON_STAGES),
            scope,
        ),
        _stage_moves(
            "l",
            SQL("v.old_value_integer <> %s AND v.old_value_integer NOT IN %s", first, WON_STAGES),
            scope,
        ),
    )


ON_DONE = {
    "activity_burst": activity_burst,
    "activity_after_hours": activity_after_hours,
    "activity_backdated": activity_backdated,
}
MEASURES = {
    "pull_forward": pull_forward,
    "empty_win": empty_win,
    "quick_win": quick_win,
    "thin_customer": thin_customer,
    "duplicate_customer": duplicate_customer,
    "stage_jump": stage_jump,
}
