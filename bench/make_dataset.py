"""Generate a benchmark database: a sales organisation and twelve months of CRM history.

    python bench/make_dataset.py --db crmperf_bench --users 50 --leads 100000

Creates the database with crm_performance and gamification (``odoo-bin -i``), then through
the ORM: ``--users`` salespeople (res.users + hr.employee with a badge ID) in sales teams of
ten, each team led by an area manager. Then in bulk (PostgreSQL COPY, non-unique indexes
dropped and rebuilt): customers (res.partner), ``--leads`` crm.lead rows (leads and
opportunities, won / lost / open), ``--activities`` done activities on them (mail.activity,
archived with a done date) and ``--meetings`` calendar events, all over the twelve full
months before the current one.

Every bulk row starts from a row the ORM wrote for a record of the same kind, so NOT NULL and
defaulted columns are right; the columns that vary are written with the values the ORM would
compute (won_status, day_open, day_close, prorated_revenue, team_user_id, first_followup_hours,
email_normalized, commercial_partner_id...). ``verify`` recomputes every stored computed field
of a sample with the ORM and fails if any differs from what was loaded.
"""

import argparse
import io
import json
import math
import random
import subprocess
import time
from collections import Counter
from datetime import date, datetime, timedelta

from benchlib import GAMED_PARAM, WINDOW_PARAM, environment, odoo_bin, write_conf

TEAM_SIZE = 10
CITIES = ("Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu")
CHUNK = 50_000
# stored computed fields not checked by verify: filled by processes outside the row itself
UNCHECKED = {
    "crm.lead": {"automated_probability", "date_open", "date_last_stage_update", "calendar_event_ids"},
    "mail.activity": set(),
    "calendar.event": set(),
    "res.partner": set(),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument("--users", type=int, default=50, help="salespeople (default 50)")
    parser.add_argument("--leads", type=int, default=100_000, help="crm.lead rows (default 100 000)")
    parser.add_argument("--activities", type=int, help="done activities (default 2 x leads)")
    parser.add_argument("--meetings", type=int, help="calendar events (default leads / 5)")
    parser.add_argument("--customers", type=int, help="new customers (default leads / 20)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.activities is None:
        args.activities = 2 * args.leads
    if args.meetings is None:
        args.meetings = args.leads // 5
    if args.customers is None:
        args.customers = max(args.leads // 20, 1)
    return args


def data_window(today):
    """The twelve full months before the month of ``today``: (first day, first day after)."""
    end = today.replace(day=1)
    return end.replace(year=end.year - 1), end


# ----------------------------------------------------------------------------------------------
# bulk loading
# ----------------------------------------------------------------------------------------------


def copy_text(value):
    """A value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def template_row(env, model, record):
    """The table row the ORM wrote for ``record``, as {column: value}."""
    env.flush_all()
    table = env[model]._table
    from odoo.tools import SQL  # importable once environment() has set Odoo up

    env.cr.execute(SQL("SELECT * FROM %s WHERE id = %s", SQL.identifier(table), record.id))
    return dict(zip([col.name for col in env.cr.description], env.cr.fetchone(), strict=True))


def next_id(env, table):
    from odoo.tools import SQL  # importable once environment() has set Odoo up

    env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM %s", SQL.identifier(table)))
    return env.cr.fetchone()[0]


def bulk_insert(env, model, template, columns, rows):
    """COPY ``rows`` (tuples of ``columns``, ids included) into the model's table, every other
    column as in ``template``. Non-unique indexes are dropped during the load and rebuilt."""
    cr = env.cr
    table = env[model]._table
    constant = [col for col in template if col not in columns]
    tail = "\t".join(copy_text(template[col]) for col in constant)
    cr.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND NOT EXISTS (
                  SELECT 1 FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                   WHERE c.relname = i.indexname AND (x.indisunique OR x.indisprimary))""",
        [table],
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    statement = f'COPY "{table}" ({", ".join(f"{c}" for c in (*columns, *constant))}) FROM STDIN'
    buffer, count = io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join(map(copy_text, row)))
        buffer.write("\t" + tail + "\n" if tail else "\n")
        count += 1
        if count % CHUNK == 0:
            buffer.seek(0)
            cr._obj.copy_expert(statement, buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cr._obj.copy_expert(statement, buffer)
    cr.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for _name, definition in indexes:
        cr.execute(definition)
    from odoo.tools import SQL  # importable once environment() has set Odoo up

    cr.execute(SQL("SELECT setval(%s, (SELECT MAX(id) FROM %s))", f"{table}_id_seq", SQL.identifier(table)))
    cr.execute(f'ANALYZE "{table}"')
    env.invalidate_all()
    return count


# ----------------------------------------------------------------------------------------------
# the organisation (ORM)
# ----------------------------------------------------------------------------------------------


def make_org(env, n_users, first=0):
    """Salespeople and area managers: users, employees, teams; numbered from salesperson
    ``first`` (a multiple of the team size) on. Returns (salespeople, managers)."""
    users = env["res.users"].with_context(no_reset_password=True)
    salesman = env.ref("sales_team.group_sale_salesman")
    leader_group = env.ref("sales_team.group_sale_salesman_all_leads")
    n_teams = math.ceil(n_users / TEAM_SIZE)
    first_team = first // TEAM_SIZE
    managers = users.create(
        [
            {
                "name": f"Area manager {first_team + k:03d}",
                "login": f"bench_am_{first_team + k}",
                "group_ids": [(6, 0, leader_group.ids)],
            }
            for k in range(n_teams)
        ]
    )
    salespeople = users.create(
        [
            {"name": f"Salesperson {i:04d}", "login": f"bench_sp_{i}", "group_ids": [(6, 0, salesman.ids)]}
            for i in range(first, first + n_users)
        ]
    )
    jobs = [
        env["hr.job"].search([("name", "=", name)], limit=1) or env["hr.job"].create({"name": name})
        for name in ("Area manager (bench)", "Salesperson (bench)")
    ]
    manager_employees = env["hr.employee"].create(
        [
            {"name": user.name, "user_id": user.id, "job_id": jobs[0].id, "barcode": f"M{first_team + k:05d}"}
            for k, user in enumerate(managers)
        ]
    )
    env["hr.employee"].create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "job_id": jobs[1].id,
                "barcode": f"S{first + i:06d}",
                "parent_id": manager_employees[i // TEAM_SIZE].id,
            }
            for i, user in enumerate(salespeople)
        ]
    )
    env["crm.team"].create(
        [
            {
                "name": f"Bench team {first_team + k:03d}",
                "user_id": manager.id,
                "crm_team_member_ids": [
                    (0, 0, {"user_id": user.id}) for user in salespeople[k * TEAM_SIZE : (k + 1) * TEAM_SIZE]
                ],
            }
            for k, manager in enumerate(managers)
        ]
    )
    env.flush_all()
    return salespeople, managers


# ----------------------------------------------------------------------------------------------
# the volume rows (COPY)
# ----------------------------------------------------------------------------------------------


def moment(rng, start, end):
    """A random datetime (whole seconds) in [start, end)."""
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span))


def make_customers(env, rng, salespeople, count, window):
    """New customers (companies and individuals) created by the salespeople over the window."""
    template = env["res.partner"].create({"name": "Template customer", "user_id": salespeople[0].id})
    row = template_row(env, "res.partner", template)
    template.unlink()
    start, end = window
    first = next_id(env, "res_partner")
    columns = (
        "id",
        "name",
        "complete_name",
        "commercial_partner_id",
        "commercial_company_name",
        "is_company",
        "user_id",
        "email",
        "email_normalized",
        "phone",
        "phone_sanitized",
        "city",
        "create_date",
        "write_date",
    )
    customers = {}  # user id: [(partner id, name, email, phone, city, is company)]
    emails = []

    def rows():
        dates = sorted(moment(rng, start, end) for _ in range(count))  # ids follow creation, as in life
        for pid, created in enumerate(dates, start=first):
            user = rng.choice(salespeople).id
            company = rng.random() < 0.5
            name = f"{'Company' if company else 'Customer'} {pid}"
            email = f"contact{pid}@customer{pid}.example.com"
            phone = f"+33 6 {pid % 100:02d} {pid // 100 % 100:02d} {pid // 10000 % 100:02d} 00"
            city = rng.choice(CITIES)
            typed = rng.random()
            if typed < 0.05:  # a walk-in typed with a phone only
                email = city = None
            elif typed < 0.06 and emails:  # a customer typed in again
                email = rng.choice(emails)
            if email:
                emails.append(email)
            customers.setdefault(user, []).append((pid, name, email, phone, city, company))
            yield (
                *(pid, name, name, pid, name if company else None, company, user),
                *(email, email, phone, phone, city, created, created),
            )

    bulk_insert(env, "res.partner", row, columns, rows())
    return customers


LEAD_COLUMNS = (
    "id",
    "name",
    "type",
    "user_id",
    "team_id",
    "team_user_id",
    "stage_id",
    "probability",
    "automated_probability",
    "active",
    "won_status",
    "lost_reason_id",
    "expected_revenue",
    "prorated_revenue",
    "create_date",
    "write_date",
    "date_open",
    "day_open",
    "date_closed",
    "day_close",
    "date_last_stage_update",
    "date_deadline",
    "partner_id",
    "partner_name",
    "contact_name",
    "email_from",
    "email_normalized",
    "email_domain_criterion",
    "email_state",
    "phone",
    "phone_sanitized",
    "phone_state",
    "city",
    "first_followup_date",
    "first_followup_hours",
)


def lead_templates(env, user):
    """ORM-made won, lost and open opportunities and an open lead; their rows, then deleted."""
    stages = env["crm.stage"].search([], order="sequence")
    won_stage = stages.filtered("is_won")[:1]
    leads = env["crm.lead"].with_context(tracking_disable=True, mail_create_nolog=True)
    base = {"user_id": user.id, "expected_revenue": 1000.0, "email_from": "a@b.example.com"}
    won = leads.create({**base, "name": "won", "type": "opportunity", "stage_id": won_stage.id})
    lost = leads.create({**base, "name": "lost", "type": "opportunity"})
    lost.action_set_lost()
    open_opportunity = leads.create({**base, "name": "open", "type": "opportunity"})
    open_lead = leads.create({**base, "name": "lead", "type": "lead"})
    records = won | lost | open_opportunity | open_lead
    rows = [template_row(env, "crm.lead", lead) for lead in records]
    records.unlink()
    varying = {col for col in rows[0] if len({repr(row[col]) for row in rows}) > 1}
    unexpected = varying - set(LEAD_COLUMNS)
    if unexpected:
        raise RuntimeError(f"crm_lead columns that differ by outcome and are not generated: {unexpected}")
    return rows[0], (stages - won_stage).ids, won_stage.id


def make_leads(env, rng, salespeople, customers, count, window):
    """Leads and opportunities over the window.

    Opportunities move through the open stages in their order (New, Qualified, Proposition...):
    a won one through all of them to the won stage, a lost one up to the stage it was lost in
    (early stages more often: the weight halves from one stage to the next), an open one up to
    its current stage; the moves are spread evenly over the opportunity's life and tracked as
    Odoo tracks a stage change (``track_stages``), except for the last month's wins, whose
    history ``plant_signals`` writes. The expected closing date (``date_deadline``) is the
    salesperson's estimate: the day the deal closed (or will close) give or take a few days
    (normal, sd 5 days).

    Returns ({lead id: (user id, created, first follow-up, name)}, {won_status: count})."""
    template, open_stages, won_stage = lead_templates(env, salespeople[0])
    lost_weights = [0.5**k for k in range(len(open_stages))]
    last_month = datetime.combine(window[1].replace(day=1) - timedelta(days=1), datetime.min.time()).replace(
        day=1
    )
    moves = []
    teams = {member.user_id.id: member.crm_team_id for member in env["crm.team.member"].search([])}
    lost_reasons = env["crm.lost.reason"].search([]).ids or [None]
    # a few strong performers, many average ones
    weights = [rng.lognormvariate(0, 0.5) for _ in salespeople]
    start, end = (datetime.combine(day, datetime.min.time()) for day in window)
    first = next_id(env, "crm_lead")
    followed, stats = {}, Counter()

    def rows():
        users = rng.choices(salespeople.ids, weights=weights, k=count)
        dates = sorted(moment(rng, start, end) for _ in range(count))  # ids follow creation
        for k, (user, created) in enumerate(zip(users, dates, strict=True)):
            lid = first + k
            team = teams[user]
            kind = "opportunity" if rng.random() < 0.7 else "lead"
            # an opportunity is open only while it has not closed yet (it closes after the window):
            # no stale pipeline, as a forecast backtest needs
            outcome = rng.choices(
                ("won", "lost", "open"), (0.5, 0.5, 0) if kind == "opportunity" else (0, 0.3, 0.7)
            )[0]
            closed = created + timedelta(seconds=int(rng.gammavariate(2.0, 12.0) * 86400))
            if outcome != "open" and closed >= end:
                outcome = "open"
            revenue = round(rng.lognormvariate(9.5, 0.8), 2) if kind == "opportunity" else 0.0
            partner = None
            name, email, phone, city = (
                f"Prospect {lid}",
                f"info{lid}@prospect{lid % 997}.example.com",
                None,
                None,
            )
            if rng.random() < 0.8:
                phone = f"+33 7 {lid % 100:02d} {lid // 100 % 100:02d} {lid // 10000 % 100:02d} 11"
            if rng.random() < 0.8:
                city = rng.choice(CITIES)
            if outcome == "won" and customers.get(user):
                partner, name, email, phone, city, _company = rng.choice(customers[user])
            if rng.random() < 0.1:
                email = None
            if outcome == "won":
                stage, probability, active, closed_at = won_stage, 100.0, True, closed
                path = [*open_stages, won_stage]
            elif outcome == "lost":
                stage = rng.choices(open_stages, lost_weights)[0]
                probability, active, closed_at = 0.0, False, closed
                path = open_stages[: open_stages.index(stage) + 1]
            else:
                stage, probability, active, closed_at = (
                    rng.choice(open_stages),
                    10.0 * rng.randint(1, 9),
                    True,
                    None,
                )
                path = open_stages[: open_stages.index(stage) + 1]
            if kind == "opportunity" and not (outcome == "won" and closed >= last_month):
                reached = min(closed_at or end, end)
                moves.extend(
                    (
                        lid,
                        created + (reached - created) * step / (len(path) - 1 or 1),
                        path[step - 1],
                        path[step],
                    )
                    for step in range(1, len(path))
                )
            deadline = (closed + timedelta(days=round(rng.gauss(0, 5)))).date()
            hours = rng.expovariate(1 / 16.0)
            # a deal is hardly won without talking to the customer
            followed_up = rng.random() < (0.98 if outcome == "won" else 0.85)
            followup = created + timedelta(seconds=int(hours * 3600))
            followup = working_hours(rng, followup, created) if followed_up else None
            title = f"{name} – opportunity {lid}"
            if followup and followup >= end:
                followup = None
            if followup:
                followed[lid] = (user, created, followup, title)
            stats[outcome if outcome != "open" else "pending"] += 1
            yield (
                *(lid, title, kind, user, team.id, team.user_id.id or None, stage),
                *(probability, probability, active, outcome if outcome != "open" else "pending"),
                rng.choice(lost_reasons) if outcome == "lost" else None,
                *(revenue, round(revenue * probability / 100.0, 2), created, closed_at or created),
                *(created, 0.0, closed_at, abs((closed_at - created).days) if closed_at else None),
                *(
                    closed_at or created,
                    deadline if kind == "opportunity" else None,
                ),
                *(partner, name if partner else None, None, email, email, _email_domain(email)),
                *("correct" if email else None, phone, phone),
                *(None, city, followup),
                (max((followup - created).total_seconds() / 3600.0, 0.0) if followup else 0.0),
            )

    bulk_insert(env, "crm.lead", template, LEAD_COLUMNS, rows())
    track_stages(env, moves)
    return followed, dict(stats)


def working_hours(rng, moment, not_before):
    """When an honest salesperson marks an activity done: ``moment``'s day at a random time of
    08:00-20:00 (3 % in the evening, 20:00-23:00), not before ``not_before``."""
    day = datetime.combine(moment.date(), datetime.min.time())
    first, hours = (20, 3) if rng.random() < 0.03 else (8, 12)
    return max(day + timedelta(seconds=rng.randrange(first * 3600, (first + hours) * 3600)), not_before)


def _email_domain(email):
    return "@" + email.split("@")[1] if email else None


def make_activities(env, rng, followed, count, window):
    """Done activities: the first follow-up of each lead followed up, then later ones."""
    lead = env["crm.lead"].create({"name": "Template"})  # its follow-up gets stamped: not a bench lead
    activity = env["mail.activity"].create(
        {
            "res_model_id": env["ir.model"]._get_id("crm.lead"),
            "res_id": lead.id,
            "user_id": next(iter(followed.values()))[0],
            "activity_type_id": env.ref("mail.mail_activity_data_call").id,
            "summary": "Template",
        }
    )
    activity._action_done()
    row = template_row(env, "mail.activity", activity.with_context(active_test=False))
    activity.unlink()
    lead.unlink()
    types = env["mail.activity.type"].search([("res_model", "in", (False, "crm.lead"))]).ids
    end = datetime.combine(window[1], datetime.min.time())
    first = next_id(env, "mail_activity")
    columns = (
        "id",
        "res_id",
        "res_name",
        "user_id",
        "activity_type_id",
        "summary",
        "date_deadline",
        "date_done",
        "create_date",
        "write_date",
    )
    leads = list(followed.items())
    unfollowed = set()
    if count < len(leads):  # fewer activities than followed leads: the others were not followed
        rng.shuffle(leads)
        unfollowed = {lid for lid, _ in leads[count:]}
        leads = leads[:count]

    def rows():
        # (done, created, lead id, user, name, summary), inserted in the order they were done
        done_list = [
            (followup, created, lid, user, title, "First follow-up")
            for lid, (user, created, followup, title) in leads
        ]
        for _ in range(count - len(leads)):
            lid, (user, _created, followup, title) = rng.choice(leads)
            # within 45 days, before the window ends (its last day's time is still working hours)
            later = min(45 * 86400, int((end - followup).total_seconds()))
            done = working_hours(rng, followup + timedelta(seconds=rng.randrange(later)), followup)
            done_list.append((done, followup, lid, user, title, "Follow-up"))
        done_list.sort()
        for aid, (done, created, lid, user, title, summary) in enumerate(done_list, start=first):
            yield (aid, lid, title, user, rng.choice(types), summary, done.date(), done.date(), created, done)

    bulk_insert(env, "mail.activity", row, columns, rows())
    if unfollowed:
        env.cr.execute(
            "UPDATE crm_lead SET first_followup_date = NULL, first_followup_hours = 0 WHERE id = ANY(%s)",
            [sorted(unfollowed)],
        )
        for lid in unfollowed:
            del followed[lid]


def make_meetings(env, rng, salespeople, count, window):
    """Meetings (visits) organised by the salespeople, an hour each in working hours."""
    event = env["calendar.event"].create(
        {
            "name": "Template",
            "user_id": salespeople[0].id,
            "start": datetime(2020, 1, 6, 9),
            "stop": datetime(2020, 1, 6, 10),
            "partner_ids": [],
        }
    )
    row = template_row(env, "calendar.event", event)
    event.unlink()
    start, end = window
    first = next_id(env, "calendar_event")
    days = (end - start).days
    columns = ("id", "name", "user_id", "start", "stop", "create_date", "write_date")

    def rows():
        events = []
        for _ in range(count):
            day = start + timedelta(days=rng.randrange(days))
            begin = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(1, 10))
            events.append((begin - timedelta(days=rng.randint(1, 10)), begin))
        events.sort()  # ids follow creation
        for eid, (created, begin) in enumerate(events, start=first):
            user = rng.choice(salespeople).id
            yield (eid, f"Customer visit {eid}", user, begin, begin + timedelta(hours=1), created, created)

    bulk_insert(env, "calendar.event", row, columns, rows())


# ----------------------------------------------------------------------------------------------
# integrity signals: stage history of the last month's wins, and three gamed salespeople
# ----------------------------------------------------------------------------------------------


def track_stages(env, moves):
    """Tracked stage changes of leads, as Odoo logs them: ``moves`` = [(lead id, date, old stage,
    new stage)] become mail.message rows with their mail.tracking.value."""
    field = env["ir.model.fields"]._get("crm.lead", "stage_id").id
    env.cr.execute(
        "INSERT INTO mail_message (model, res_id, message_type, date, create_date, write_date)"
        " SELECT 'crm.lead', m.lead, 'notification', m.at, m.at, m.at"
        " FROM json_to_recordset(%s::json) AS m(n int, lead int, at timestamp) ORDER BY m.n RETURNING id",
        [json.dumps([{"n": n, "lead": lead, "at": str(at)} for n, (lead, at, _o, _s) in enumerate(moves)])],
    )
    ids = sorted(row[0] for row in env.cr.fetchall())
    env.cr.execute(
        "INSERT INTO mail_tracking_value (field_id, old_value_integer, new_value_integer, mail_message_id,"
        " create_date, write_date) SELECT %s, v.old, v.new, v.message, v.at, v.at"
        " FROM json_to_recordset(%s::json) AS v(old int, new int, message int, at timestamp)",
        [
            field,
            json.dumps(
                [
                    {"old": old, "new": new, "message": mid, "at": str(at)}
                    for mid, (_lead, at, old, new) in zip(ids, moves, strict=True)
                ]
            ),
        ],
    )


def plant_signals(env, rng, salespeople, window):
    """The last month's wins get their stage history (honest: first stage, a second one, won;
    2 % straight from the first stage), then three salespeople game their numbers:

    - the closer: 3 deals won in the month's last 2 days and reopened on the 2nd of the next
      month, 2 deals of 80 000 created and won the same day, every win straight from the first
      stage;
    - the activity stuffer: 12 activities marked done at 23:00 within 3 minutes, 6 due 3 days
      before they were created, 6 wins stripped of their activities;
    - the customer padder: 6 new customers with a phone only, 3 with an existing customer's email.

    Returns {login: [planted signals]} (also stored in the ``GAMED_PARAM`` parameter)."""
    cr = env.cr
    end = datetime.combine(window[1], datetime.min.time())
    month = datetime.combine(window[1].replace(day=1) - timedelta(days=1), datetime.min.time()).replace(day=1)
    stages = env["crm.stage"].search([("is_won", "=", False)], order="sequence, id").ids
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
    closer, stuffer, padder = salespeople[-3:]

    def won_leads(user):
        cr.execute(
            "SELECT id, create_date, date_closed FROM crm_lead WHERE won_status = 'won' AND user_id = %s"
            " AND date_closed >= %s AND date_closed < %s ORDER BY id",
            [user.id, month, end],
        )
        return cr.fetchall()

    moves = []
    for user in salespeople:
        for lead, created, closed in won_leads(user):
            if user == closer or rng.random() < 0.02:
                moves.append((lead, closed, stages[0], won_stage))
            else:
                moves += [
                    (lead, created + (closed - created) / 2, stages[0], stages[1]),
                    (lead, closed, stages[1], won_stage),
                ]
    wins = won_leads(closer)
    for lead, _created, _closed in wins[:3]:
        won_at = end - timedelta(hours=rng.randint(1, 47))
        reopened = end + timedelta(days=1, hours=rng.randint(9, 17))
        cr.execute(
            "UPDATE crm_lead SET stage_id = %s, probability = 50, automated_probability = 50,"
            " won_status = 'pending', date_closed = NULL, day_close = NULL,"
            " date_last_stage_update = %s WHERE id = %s",
            [stages[1], reopened, lead],
        )
        moves = [move for move in moves if move[0] != lead]
        moves += [(lead, won_at, stages[0], won_stage), (lead, reopened, won_stage, stages[1])]
    for lead, _created, closed in wins[3:5]:
        day = datetime.combine(closed.date(), datetime.min.time())
        cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_closed = %s, expected_revenue = 80000,"
            " prorated_revenue = 80000, day_close = 0 WHERE id = %s",
            [day + timedelta(hours=9), day + timedelta(hours=16), lead],
        )
    track_stages(env, moves)

    cr.execute(
        "SELECT a.id FROM mail_activity a WHERE a.user_id = %s AND NOT a.active AND a.date_done >= %s"
        " AND a.date_done < %s ORDER BY a.id",
        [stuffer.id, month.date(), end.date()],
    )
    activities = [row[0] for row in cr.fetchall()]
    burst_at = month + timedelta(days=14, hours=23)
    for k, activity in enumerate(activities[:12]):
        done = burst_at + timedelta(seconds=15 * k)
        cr.execute(
            "UPDATE mail_activity SET write_date = %s, date_done = %s, date_deadline = %s WHERE id = %s",
            [done, done.date(), done.date(), activity],
        )
    cr.execute(
        "UPDATE mail_activity SET date_deadline = create_date::date - 3 WHERE id = ANY(%s)",
        [activities[12:18]],
    )
    stripped = won_leads(stuffer)
    cr.execute(
        "UPDATE mail_activity SET res_id = %s WHERE res_model = 'crm.lead' AND res_id = ANY(%s)",
        [stripped[-1][0], [lead for lead, _created, _closed in stripped[:6]]],
    )

    cr.execute(
        "SELECT id FROM res_partner WHERE user_id = %s AND parent_id IS NULL ORDER BY id DESC LIMIT 9",
        [padder.id],
    )
    padded = [row[0] for row in cr.fetchall()]
    cr.execute(
        "SELECT email FROM res_partner WHERE email IS NOT NULL AND user_id <> %s ORDER BY id LIMIT 3",
        [padder.id],
    )
    taken = [row[0] for row in cr.fetchall()]
    for k, partner in enumerate(padded):
        created = month + timedelta(days=k + 2, hours=10)
        email = taken[k - 6] if k >= 6 else None
        cr.execute(
            "UPDATE res_partner SET create_date = %s, email = %s, email_normalized = %s,"
            " city = CASE WHEN %s IS NULL THEN NULL ELSE city END WHERE id = %s",
            [created, email, email, email, partner],
        )
    gamed = {
        closer.login: ["pull_forward", "quick_win", "stage_jump"],
        stuffer.login: ["activity_burst", "activity_after_hours", "activity_backdated", "empty_win"],
        padder.login: ["thin_customer", "duplicate_customer"],
    }
    env["ir.config_parameter"].set_param(GAMED_PARAM, json.dumps(gamed))
    env.invalidate_all()
    return gamed


# ----------------------------------------------------------------------------------------------
# verification (ORM reads against the generator's expectations)
# ----------------------------------------------------------------------------------------------


def check_stored_computes(env, model, sample=40):
    """Recompute every stored computed field of the last ``sample`` rows; raise on a difference."""
    records = env[model].with_context(active_test=False).search([], order="id desc", limit=sample)
    names = [
        name
        for name, field in records._fields.items()
        if field.store
        and field.compute
        and field.readonly
        and field.type not in ("one2many", "many2many")
        and name not in UNCHECKED[model]
    ]
    loaded = {name: _plain(records.mapped(name)) for name in names}
    with env.cr.savepoint(flush=False) as savepoint:
        for name in names:
            env.add_to_compute(records._fields[name], records)
        records._recompute_recordset(names)
        computed = {name: _plain(records.mapped(name)) for name in names}
        savepoint.rollback()
    env.invalidate_all()
    wrong = {name: (loaded[name][:3], computed[name][:3]) for name in names if loaded[name] != computed[name]}
    if wrong:
        raise AssertionError(f"{model}: bulk values differ from the ORM's computation: {wrong}")
    return len(names)


def _plain(values):
    if hasattr(values, "ids"):
        return values.ids
    return [round(value, 4) if isinstance(value, float) else value for value in values]


def verify(env, salespeople, stats, window):
    """ORM reads compared with what the generator wrote."""
    checked = {model: check_stored_computes(env, model) for model in UNCHECKED}
    leads = env["crm.lead"].with_context(active_test=False)
    for outcome, expected in stats.items():
        found = leads.search_count([("won_status", "=", outcome), ("user_id", "in", salespeople.ids)])
        assert found == expected, (outcome, found, expected)
    lost = leads.search([("won_status", "=", "lost")], limit=1)
    assert not lost.active and lost.probability == 0 and lost.date_closed, "lost = archived, 0 %, closed"
    won = env["crm.lead"].search([("won_status", "=", "won")], limit=1)
    assert won.stage_id.is_won and won.day_close == abs((won.date_closed - won.create_date).days)
    followed = leads.search([("first_followup_date", "!=", False)], limit=1)
    done = (
        env["mail.activity"]
        .with_context(active_test=False)
        .search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", followed.id), ("date_done", "!=", False)],
            order="date_done",
            limit=1,
        )
    )
    assert done.date_done == followed.first_followup_date.date(), "first activity done = first follow-up"
    assert window[0] <= followed.create_date.date() < window[1]
    return checked


def main(argv=None):
    args = parse_args(argv)
    rng = random.Random(args.seed)
    started = time.perf_counter()

    def say(text):
        print(f"[make_dataset {time.perf_counter() - started:6.1f}s] {text}", flush=True)

    conf = write_conf(args.db)
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    odoo_bin(
        conf,
        "-d",
        args.db,
        "-i",
        "crm_performance,gamification",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    )
    say(f"database {args.db} created with crm_performance and gamification")
    window = data_window(date.today())
    with environment(args.db, commit=True) as superuser_env:
        env = superuser_env(
            context=dict(superuser_env.context, tracking_disable=True, mail_create_nolog=True)
        )
        env.company.partner_id.tz = "UTC"
        salespeople, managers = make_org(env, args.users)
        say(f"{len(salespeople)} salespeople, {len(managers)} area managers and teams")
        customers = make_customers(env, rng, salespeople, args.customers, window)
        say(f"{args.customers} customers")
        followed, stats = make_leads(env, rng, salespeople, customers, args.leads, window)
        say(f"{args.leads} leads ({stats})")
        make_activities(env, rng, followed, args.activities, window)
        say(f"{args.activities} done activities")
        make_meetings(env, rng, salespeople, args.meetings, window)
        say(f"{args.meetings} meetings")
        env["ir.config_parameter"].set_param(WINDOW_PARAM, f"{window[0]}/{window[1]}")
        env.cr.commit()
        checked = verify(env, salespeople, stats, window)
        say(f"verified: ORM reads match, stored computed fields recomputed identically ({checked})")
        gamed = plant_signals(env, rng, salespeople, window)
        say(f"last month's wins' stage history; gamed salespeople: {gamed}")
    subprocess.run(["vacuumdb", "--analyze", "--quiet", args.db], check=True)
    say("done")


if __name__ == "__main__":
    main()
