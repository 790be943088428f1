"""A larger company of the same shape: a make_dataset.py database with its sales floor copied.

    python bench/grow_dataset.py --source crmperf_large --db crmperf_large_x4 --times 4

Copies ``--source`` to ``--db`` (``createdb -T``), then adds ``times - 1`` copies of its sales
floor: new salespeople, area managers and teams (``make_dataset.make_org``, through the ORM,
numbered after the existing ones), and for each new salesperson the rows of the salesperson it
copies, inserted by SQL (``INSERT ... SELECT``) with new ids: their customers (res.partner), their
leads and opportunities (crm.lead, with the new team and team leader, their own customers), the
done activities on those leads (mail.activity) and their meetings (calendar.event). Every other
column is the original row's, so each copy has the same leads per salesperson-month, on the
same days, as the salesperson it copies, and the tables are then rewritten in creation order
(as a database that grew holds its rows): what a growth curve needs, without generating
millions of rows again (``make_dataset.py --users 2000 --leads 4000000`` takes hours on a small
machine). The leads' messages and tracked values (their stage histories, which the forecast
backtest reads) are copied too; the list of planted gamed salespeople is not extended (the
integrity signals' bench needs the original dataset). Checks that every copy has as many
leads, activities, meetings and customers as its original.
"""

import argparse
import subprocess
import time

from benchlib import environment
from make_dataset import TEAM_SIZE, make_org

from odoo.tools import SQL

# table -> (rows copied, {column: value in the copy}); %(k)s is the copy's number (1, 2...),
# m the salesperson map (old_uid, k, new_uid, new_team, new_leader), o the id offsets (the
# largest id of each table before the copies)
COPIES = {
    "res_partner": (
        "FROM grow_offset o, res_partner t JOIN grow_map m ON m.old_uid = t.user_id AND m.k = %(k)s"
        " WHERE t.parent_id IS NULL",
        {
            "id": "t.id + %(k)s * o.partner",
            "user_id": "m.new_uid",
            "commercial_partner_id": "CASE WHEN t.commercial_partner_id = t.id"
            " THEN t.id + %(k)s * o.partner ELSE t.commercial_partner_id END",
        },
    ),
    "crm_lead": (
        "FROM grow_offset o, crm_lead t JOIN grow_map m ON m.old_uid = t.user_id AND m.k = %(k)s",
        {
            "id": "t.id + %(k)s * o.lead",
            "user_id": "m.new_uid",
            "team_id": "m.new_team",
            "team_user_id": "m.new_leader",
            "partner_id": "CASE WHEN t.partner_id IN (SELECT id FROM grow_partner)"
            " THEN t.partner_id + %(k)s * o.partner ELSE t.partner_id END",
        },
    ),
    "mail_activity": (
        "FROM grow_offset o, mail_activity t JOIN crm_lead l ON t.res_model = 'crm.lead' AND l.id = t.res_id"
        " JOIN grow_map m ON m.old_uid = l.user_id AND m.k = %(k)s",
        {
            "id": "t.id + %(k)s * o.activity",
            "res_id": "t.res_id + %(k)s * o.lead",
            "user_id": "CASE WHEN t.user_id = l.user_id THEN m.new_uid ELSE t.user_id END",
        },
    ),
    "calendar_event": (
        "FROM grow_offset o, calendar_event t JOIN grow_map m ON m.old_uid = t.user_id AND m.k = %(k)s",
        {
            "id": "t.id + %(k)s * o.event",
            "user_id": "m.new_uid",
            "opportunity_id": "t.opportunity_id + %(k)s * o.lead",
            "res_id": "CASE WHEN t.opportunity_id IS NOT NULL"
            " THEN t.res_id + %(k)s * o.lead ELSE t.res_id END",
        },
    ),
    # the leads' stage histories (what the forecast's stage win rates and its backtest read)
    "mail_message": (
        "FROM grow_offset o, mail_message t JOIN crm_lead l ON t.model = 'crm.lead' AND l.id = t.res_id"
        " JOIN grow_map m ON m.old_uid = l.user_id AND m.k = %(k)s",
        {"id": "t.id + %(k)s * o.message", "res_id": "t.res_id + %(k)s * o.lead"},
    ),
    "mail_tracking_value": (
        "FROM grow_offset o, mail_tracking_value t JOIN mail_message mm ON mm.id = t.mail_message_id"
        " JOIN crm_lead l ON mm.model = 'crm.lead' AND l.id = mm.res_id"
        " JOIN grow_map m ON m.old_uid = l.user_id AND m.k = %(k)s",
        {"id": "t.id + %(k)s * o.tracking", "mail_message_id": "t.mail_message_id + %(k)s * o.message"},
    ),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--source", required=True, help="a database made by make_dataset.py")
    parser.add_argument("--db", required=True, help="the larger copy (dropped first)")
    parser.add_argument("--times", type=int, default=4, help="salespeople of --db / of --source")
    return parser.parse_args(argv)


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = 'public'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def grow(env, times, say):
    cr = env.cr
    originals = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")], order="id").user_id
    assert len(originals) % TEAM_SIZE == 0, "whole teams of salespeople"
    cr.execute("CREATE TEMP TABLE grow_map (old_uid int, k int, new_uid int, new_team int, new_leader int)")
    for k in range(1, times):
        salespeople, _managers = make_org(env, len(originals), first=k * len(originals))
        cr.execute(
            "INSERT INTO grow_map SELECT old, %s, new, t.id, t.user_id FROM unnest(%s::int[], %s::int[])"
            " AS u(old, new) JOIN crm_team_member tm ON tm.user_id = u.new AND tm.active"
            " JOIN crm_team t ON t.id = tm.crm_team_id",
            [k, originals.ids, salespeople.ids],
        )
        say(f"copy {k}: {len(salespeople)} salespeople and their teams")
    cr.execute("SELECT count(*) FROM grow_map")
    assert cr.fetchone()[0] == len(originals) * (times - 1), "every new salesperson is in one team"
    cr.execute(
        "CREATE TEMP TABLE grow_offset AS SELECT (SELECT max(id) FROM res_partner) AS partner,"
        " (SELECT max(id) FROM crm_lead) AS lead, (SELECT max(id) FROM mail_activity) AS activity,"
        " (SELECT max(id) FROM calendar_event) AS event, (SELECT max(id) FROM mail_message) AS message,"
        " (SELECT max(id) FROM mail_tracking_value) AS tracking"
    )
    cr.execute(
        "CREATE TEMP TABLE grow_partner AS SELECT id FROM res_partner"
        " WHERE parent_id IS NULL AND user_id = ANY(%s)",
        [originals.ids],
    )
    before = counts(cr, originals.ids)
    for table, (source, values) in COPIES.items():
        names = columns(cr, table)
        select = ", ".join(values.get(name, f"t.{name}") for name in names)
        for k in range(1, times):
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s %s",
                    SQL.identifier(table),
                    SQL(", ").join(SQL.identifier(name) for name in names),
                    SQL(select % {"k": k}),
                    SQL(source % {"k": k}),
                )
            )
        cr.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM %s))",
                table,
                SQL.identifier(table),
            )
        )
        say(f"{table}: {times - 1} copies")
    cr.execute("SELECT k, array_agg(new_uid ORDER BY old_uid) FROM grow_map GROUP BY k")
    ordered = sorted(originals.ids)
    for k, new_uids in cr.fetchall():
        copied = counts(cr, new_uids)
        for measure, per_user in before.items():
            got = [copied[measure].get(new, 0) for new in new_uids]
            assert got == [per_user.get(old, 0) for old in ordered], f"copy {k}: {measure} differ"
    say(f"every copy has its original's customers, leads, activities and meetings ({len(before)} counts)")
    creation_order(cr)
    say("leads, activities, meetings and customers in creation order (CLUSTER)")


def creation_order(cr):
    """Rewrite the copied tables in creation order (``CLUSTER``), as a database that grew to this
    size holds its rows: appended copy after copy, a month's rows lie in four runs over the whole
    table (correlation of the dates with the rows' order 0.07 instead of 0.99), and PostgreSQL
    reads all of it (a parallel sequential scan of the 4 M leads) where the 500-salesperson
    database reads the month through its date index."""
    cr.execute("CREATE INDEX grow_activity_created ON mail_activity (create_date)")
    for table, index in (
        ("crm_lead", "crm_lead_create_date_idx"),
        ("mail_activity", "grow_activity_created"),
        ("calendar_event", "calendar_event__start_index"),
        ("res_partner", "res_partner_create_date_idx"),
    ):
        cr.execute(SQL("CLUSTER %s USING %s", SQL.identifier(table), SQL.identifier(index)))
    cr.execute("DROP INDEX grow_activity_created")


def counts(cr, user_ids):
    """{measure: {user id: rows}} of the salespeople ``user_ids``."""
    queries = {
        "customers": "SELECT user_id, count(*) FROM res_partner WHERE parent_id IS NULL AND user_id = ANY(%s)"
        " GROUP BY user_id",
        "leads": "SELECT user_id, count(*) FROM crm_lead WHERE user_id = ANY(%s) GROUP BY user_id",
        "activities": "SELECT l.user_id, count(*) FROM mail_activity a JOIN crm_lead l"
        " ON a.res_model = 'crm.lead' AND l.id = a.res_id WHERE l.user_id = ANY(%s) GROUP BY l.user_id",
        "meetings": "SELECT user_id, count(*) FROM calendar_event WHERE user_id = ANY(%s) GROUP BY user_id",
        "stage changes": "SELECT l.user_id, count(*) FROM mail_tracking_value v JOIN mail_message mm"
        " ON mm.id = v.mail_message_id JOIN crm_lead l ON mm.model = 'crm.lead' AND l.id = mm.res_id"
        " WHERE l.user_id = ANY(%s) GROUP BY l.user_id",
    }
    result = {}
    for measure, query in queries.items():
        cr.execute(query, [list(user_ids)])
        result[measure] = dict(cr.fetchall())
    return result


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()

    def say(text):
        print(f"[grow_dataset {time.perf_counter() - started:6.1f}s] {text}", flush=True)

    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    subprocess.run(["createdb", "-T", args.source, args.db], check=True)
    say(f"{args.db} copied from {args.source}")
    with environment(args.db, commit=True) as superuser_env:
        env = superuser_env(
            context=dict(superuser_env.context, tracking_disable=True, mail_create_nolog=True)
        )
        grow(env, args.times, say)
    subprocess.run(["vacuumdb", "--analyze", "--quiet", args.db], check=True)
    say("done")


if __name__ == "__main__":
    main()
