"""Integrity signals (数据造假 / 虚填虚报): the records behind the patterns that inflate a score.

The signals of a period are measured for all its salespeople with one query (batched like the
KPIs; the rows several signals read are read once); ``measure`` returns
``{kind: {user id: [record ids]}}``: the records that make each signal, of the period's company
(and shared ones), sorted. The model (``crm.appraisal.signal``) compares their number with the
company's threshold; nothing here changes a score.

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
from datetime import date, datetime, time, timedelta

import pytz

from odoo.tools import SQL

from ..engine.spans import company_tz, utc_bounds
from ..models.mail_activity import BACKDATED, DONE_ON_LEAD


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
        tz = company_tz(period.company_id)
        start, stop = utc_bounds(period.date_from, period.date_to, tz)
        return cls(period.env, period.company_id, tuple(sorted(user_ids)), period.date_to, start, stop, tz)


def measure(scope, thresholds):
    """``{kind: {user id: [record ids]}}`` of the signals ``thresholds`` (``{kind: threshold}``)
    names, in ``scope``, with one query: a branch per signal, and the rows several signals read
    (the other companies' leads, the month's wins) read once, before the branches."""
    if not (scope.user_ids and thresholds):
        return {kind: {} for kind in thresholds}
    found = {kind: defaultdict(list) for kind in thresholds}
    shared = [name for name in SHARED if any(name in MEASURES[kind][1] for kind in thresholds)]
    branches = SQL(" UNION ALL ").join(
        SQL("SELECT %s, found.user_id, found.id FROM (%s) found", kind, MEASURES[kind][0](scope, threshold))
        for kind, threshold in thresholds.items()
    )
    statement = (
        SQL(
            "WITH %s %s",
            SQL(", ").join(
                SQL("%s AS MATERIALIZED (%s)", SQL.identifier(name), SHARED[name](scope)) for name in shared
            ),
            branches,
        )
        if shared
        else branches
    )
    for kind, user_id, record_id in scope.env.execute_query(statement):
        found[kind][user_id].append(record_id)
    return {kind: {uid: sorted(set(ids)) for uid, ids in by_user.items()} for kind, by_user in found.items()}


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


def _other_leads(scope):
    """The leads of other companies (their activities do not count), from the ``company_id``
    index (``<`` or ``>``: ``<>`` would read every lead): read once, looked up with a hash by
    the activity signals."""
    return SQL(
        "SELECT l.id FROM crm_lead l WHERE l.company_id < %s OR l.company_id > %s",
        scope.company.id,
        scope.company.id,
    )


def _done(scope):
    """Condition on ``a`` (the only table with these columns in the branches that read it):
    an activity on a lead marked done in the period, but for those on another company's leads
    (``other_leads``; an activity on a lead always has a ``res_id``). Each branch restricts the
    salespeople. ``date_done`` is the UTC day, ``write_date`` the moment (the archiving write is
    the last). It starts with the predicate of the done activities' indexes
    (``mail.activity``), unqualified as they write it, so that the branches read them."""
    return SQL(
        """%s AND a.date_done BETWEEN %s AND %s AND a.write_date >= %s AND a.write_date < %s
           AND a.res_id NOT IN (SELECT id FROM other_leads)""",
        SQL(DONE_ON_LEAD),
        scope.start.date(),
        scope.stop.date(),
        scope.start,
        scope.stop,
    )


def _won_leads(scope):
    """Deals won in the period by the salespeople, of the company: id, user_id, team_id,
    create_date, date_closed, expected_revenue (the index of the wins, ``crm.lead``)."""
    return SQL(
        """SELECT l.id, l.user_id, l.team_id, l.create_date, l.date_closed, l.expected_revenue
             FROM crm_lead l
            WHERE l.won_status = 'won' AND l.date_closed >= %s AND l.date_closed < %s
              AND l.user_id = ANY(%s) AND %s""",
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
    win_start, _stop = utc_bounds(
        scope.date_to - timedelta(days=company.performance_signal_pull_forward_days - 1),
        scope.date_to,
        scope.tz,
    )
    _start, after_stop = utc_bounds(
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


# the activity signals read the done activities (``_done``) from the indexes made for them
# (``mail.activity``), without converting every moment to the company's time zone


def activity_burst(scope, threshold):
    """Activities marked done in a burst: ``threshold`` or more done by the same salesperson
    within the company's burst minutes (every activity of such a window). A window starts at a
    moment when the salesperson's activity ``threshold - 1`` places further (in the order they
    were marked done) is done within the minutes: each salesperson's moments are read in that
    order from the index on (salesperson, moment), nothing is sorted. The windows that overlap
    make one stretch (most salespeople have none); the activities of each stretch are read from
    the index again (``OFFSET 0``: per stretch, not a scan of the month joined to them)."""
    window = timedelta(minutes=scope.company.performance_signal_burst_minutes)
    return SQL(
        """WITH starts AS (
                SELECT u.id AS user_id, m.done_at
                  FROM UNNEST(%(users)s::int[]) u(id)
                 CROSS JOIN LATERAL (
                       SELECT done_at FROM (
                           SELECT a.write_date AS done_at,
                                  LEAD(a.write_date, %(last)s) OVER (ORDER BY a.write_date) AS last_at
                             FROM mail_activity a WHERE a.user_id = u.id AND %(done)s) moments
                        WHERE last_at <= done_at + %(window)s) m),
            stretches AS (
                SELECT user_id, MIN(done_at) AS first_at, MAX(done_at) + %(window)s AS last_at
                  FROM (SELECT user_id, done_at, COUNT(*) FILTER (WHERE apart) OVER (
                                   PARTITION BY user_id ORDER BY done_at) AS stretch
                          FROM (SELECT user_id, done_at,
                                       (done_at - LAG(done_at) OVER (PARTITION BY user_id ORDER BY done_at)
                                        > %(window)s) IS NOT FALSE AS apart
                                  FROM starts) gaps) numbered
                 GROUP BY user_id, stretch)
           SELECT s.user_id, b.id FROM stretches s
            CROSS JOIN LATERAL (
                  SELECT a.id FROM mail_activity a
                   WHERE a.user_id = s.user_id AND %(done)s AND a.write_date BETWEEN s.first_at AND s.last_at
                  OFFSET 0) b""",
        users=list(scope.user_ids),
        done=_done(scope),
        last=threshold - 1,
        window=window,
    )


def activity_after_hours(scope, threshold):
    """Activities marked done outside the company's working hours (its time zone), counted on
    the days a salesperson marked ``threshold`` or more of them so. The working hours of each day
    of the period are given as UTC ranges (daylight saving included): each salesperson's moments
    are read from the index on (salesperson, moment) (``OFFSET 0`` keeps the planner from
    reading the table instead), and only those outside the ranges are placed in a local day."""
    company = scope.company
    hour_from = timedelta(hours=company.performance_signal_work_hour_from)
    hour_to = timedelta(hours=company.performance_signal_work_hour_to)
    zone = pytz.timezone(scope.tz)
    days = [scope.start.date() + timedelta(days=n) for n in range(-1, (scope.stop - scope.start).days + 2)]

    def utc(day, hours):
        local = zone.localize(datetime.combine(day, time.min) + hours)
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return SQL(
        """SELECT user_id, id FROM (
               SELECT u.id AS user_id, late.id, COUNT(*) OVER (PARTITION BY u.id, %(day)s) AS n
                 FROM UNNEST(%(users)s::int[]) u(id)
                CROSS JOIN LATERAL (
                      SELECT a.id, a.write_date FROM mail_activity a
                       WHERE a.user_id = u.id AND %(done)s AND NOT a.write_date <@ (
                             SELECT RANGE_AGG(TSRANGE(s, e))
                               FROM UNNEST(%(starts)s::timestamp[], %(stops)s::timestamp[]) w(s, e))
                      OFFSET 0) late) counted
            WHERE n >= %(size)s""",
        day=SQL("%s::date", _local(SQL("late.write_date"), scope)),
        users=list(scope.user_ids),
        done=_done(scope),
        starts=[utc(day, hour_from) for day in days],
        stops=[utc(day, hour_to) for day in days],
        size=threshold,
    )


def activity_backdated(scope, _threshold):
    """Activities marked done in the period whose due date is before the day they were
    created: entered after the fact. A due date on or after the UTC day 14 hours (the largest
    time zone offset) after the creation cannot be before the local day: the others (the
    partial index of ``mail.activity``) are placed in the company's time zone."""
    return SQL(
        """SELECT a.user_id, a.id FROM mail_activity a
            WHERE a.user_id = ANY(%s) AND %s AND %s AND a.date_deadline < %s::date""",
        list(scope.user_ids),
        _done(scope),
        SQL(BACKDATED),
        _local(SQL("a.create_date"), scope),
    )


# the won deals' signals read ``won``: the month's wins (``_won_leads``)


def empty_win(scope, _threshold):
    """Deals won in the period with no activity ever marked done on them and no meeting (a
    done activity is looked up in the index of the done activities by lead, ``mail.activity``)."""
    return SQL(
        """SELECT w.user_id, w.id FROM won w
            WHERE NOT EXISTS (SELECT 1 FROM mail_activity a WHERE a.res_id = w.id AND %s)
              AND NOT EXISTS (SELECT 1 FROM calendar_event e WHERE e.opportunity_id = w.id)""",
        SQL(DONE_ON_LEAD),
    )


def quick_win(scope, _threshold):
    """Deals won in the period on the day they were created (company time zone), of the
    company's amount or more (only those won within 25 hours are placed in the time zone)."""
    return SQL(
        """SELECT user_id, id FROM won
            WHERE expected_revenue >= %s AND date_closed - create_date < INTERVAL '25 hours'
              AND %s::date = %s::date""",
        scope.company.performance_signal_quick_win_amount,
        _local(SQL("create_date"), scope),
        _local(SQL("date_closed"), scope),
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
    tracked move first stage → won, and no stage left other than the first or a won one. The
    first stage is found once per team (joined on the team or 0, hashable: ids are positive),
    the wins' tracked stage moves in one grouped pass."""
    field = scope.env["crm.stage"]._fields["team_ids"]
    return SQL(
        """WITH first_stage AS (
                SELECT DISTINCT ON (t.team_id) t.team_id, s.id
                  FROM (SELECT DISTINCT team_id FROM won) t CROSS JOIN crm_stage s
                 WHERE NOT EXISTS (SELECT 1 FROM %(rel)s r WHERE r.%(stage)s = s.id)
                    OR EXISTS (SELECT 1 FROM %(rel)s r WHERE r.%(stage)s = s.id AND r.%(team)s = t.team_id)
                 ORDER BY t.team_id, s.sequence, s.id)
           SELECT w.user_id, w.id FROM won w
             JOIN first_stage f ON COALESCE(f.team_id, 0) = COALESCE(w.team_id, 0)
             JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = w.id
             JOIN mail_tracking_value v ON v.mail_message_id = m.id AND v.field_id = %(field)s
            GROUP BY w.user_id, w.id, f.id
           HAVING BOOL_OR(v.old_value_integer = f.id AND v.new_value_integer IN %(won)s)
              AND BOOL_OR(v.old_value_integer <> f.id AND v.old_value_integer NOT IN %(won)s) IS NOT TRUE""",
        rel=SQL.identifier(field.relation),
        stage=SQL.identifier(field.column1),
        team=SQL.identifier(field.column2),
        field=_lead_field(scope, "stage_id"),
        won=WON_STAGES,
    )


# the rows several signals read: read once per computation, before the signals' branches
SHARED = {"other_leads": _other_leads, "won": _won_leads}
# kind: (its query of (user_id, id) rows, the shared rows it reads)
MEASURES = {
    "pull_forward": (pull_forward, ()),
    "activity_burst": (activity_burst, ("other_leads",)),
    "activity_after_hours": (activity_after_hours, ("other_leads",)),
    "activity_backdated": (activity_backdated, ("other_leads",)),
    "empty_win": (empty_win, ("won",)),
    "quick_win": (quick_win, ("won",)),
    "thin_customer": (thin_customer, ()),
    "duplicate_customer": (duplicate_customer, ()),
    "stage_jump": (stage_jump, ("won",)),
}
