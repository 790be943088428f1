import random
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
TEAMS = {
    "North": ("Zhang Wei", ["Li Na", "Wang Fang", "Liu Yang", "Chen Jie"]),
    "South": ("Huang Min", ["Zhao Lei", "Wu Ting", "Zhou Qiang", "Xu Jing"]),
    "East": ("Sun Hao", ["Ma Lin", "Hu Jun", "Guo Mei", "He Tao"]),
}
MONTHS_BACK = 6


class CrmPerformanceDemo(models.AbstractModel):
    """Builds the demo sales organisation of ``make demo`` (loaded with the module's demo data).

    A sales VP, an HR officer, three area managers leading a team of four salespeople each, six
    months of leads, opportunities, activities, meetings and customers with dates relative to
    today, targets, and appraisals in every workflow state.
    """

    _name = "crm.performance.demo"
    _description = "Performance Demo Data"

    @api.model
    def _load(self):
        env = self.with_context(**QUIET).env
        rng = random.Random(20261122)  # the same organisation on every install
        company = env.company
        company.partner_id.tz = company.partner_id.tz or "Asia/Shanghai"
        org = self._create_org(env, company)
        today = fields.Date.context_today(self)
        first_month = today.replace(day=1) - relativedelta(months=MONTHS_BACK)
        Period = env["crm.appraisal.period"]
        periods = Period.browse()
        day = first_month
        while day <= today:
            periods |= Period._ensure_periods(day, company)
            day += relativedelta(months=1)
        months = periods.filtered(lambda p: p.period_type == "month").sorted("date_from")
        self._create_activity(env, rng, org["salespeople"], first_month, today)
        self._create_targets(env, rng, org, months)
        appraisals = env["crm.appraisal"]._generate(periods)
        self._score_and_review(env, rng, org, appraisals.filtered(lambda a: a.period_type == "month"), today)
        return True

    def _create_org(self, env, company):
        def user(login, name, groups):
            return env["res.users"].create(
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "email": f"{login}@example.com",
                    "group_ids": [(6, 0, [env.ref(g).id for g in groups])],
                }
            )

        perf = "crm_performance.crm_performance_group_"
        vp = user(
            "vp", "Yang Guang (Sales VP)", [f"{perf}reviewer", "sales_team.group_sale_salesman_all_leads"]
        )
        hr = user("hr", "Lin Xiu (HR)", [f"{perf}hr", "hr.group_hr_user"])
        company.write({"performance_reviewer_id": vp.id, "performance_hr_user_id": hr.id})
        sales = env["hr.department"].create({"name": "Sales", "company_id": company.id})
        job_rep = env["hr.job"].create({"name": "Salesperson", "department_id": sales.id})
        job_mgr = env["hr.job"].create({"name": "Area Manager", "department_id": sales.id})
        vp_emp = env["hr.employee"].create(
            {"name": vp.name, "user_id": vp.id, "department_id": sales.id, "barcode": "S0001"}
        )
        sales.manager_id = vp_emp
        managers, salespeople, number = env["hr.employee"], env["hr.employee"], 1
        for team_name, (manager_name, rep_names) in TEAMS.items():
            number += 1
            region = env["hr.department"].create({"name": f"{team_name} Region", "parent_id": sales.id})
            manager_user = user(
                team_name.lower(),
                manager_name,
                [f"{perf}manager", "sales_team.group_sale_salesman_all_leads", "base.group_allow_export"],
            )
            manager = env["hr.employee"].create(
                {
                    "name": manager_name,
                    "user_id": manager_user.id,
                    "parent_id": vp_emp.id,
                    "department_id": region.id,
                    "job_id": job_mgr.id,
                    "barcode": f"S{number:04d}",
                }
            )
            region.manager_id = manager
            managers |= manager
            members = []
            for rep_name in rep_names:
                number += 1
                login = rep_name.lower().replace(" ", ".")
                rep_user = user(login, rep_name, [f"{perf}user", "sales_team.group_sale_salesman"])
                salespeople |= env["hr.employee"].create(
                    {
                        "name": rep_name,
                        "user_id": rep_user.id,
                        "parent_id": manager.id,
                        "department_id": region.id,
                        "job_id": job_rep.id,
                        "barcode": f"S{number:04d}",
                    }
                )
                members.append((0, 0, {"user_id": rep_user.id, "target_weight": 1.0}))
            env["crm.team"].create(
                {"name": team_name, "user_id": manager_user.id, "crm_team_member_ids": members}
            )
        env.ref("crm_performance.plan_salesperson").job_ids = job_rep
        env.ref("crm_performance.plan_area_manager").job_ids = job_mgr
        return {"vp": vp, "hr": hr, "managers": managers, "salespeople": salespeople}

    def _create_activity(self, env, rng, salespeople, first_month, today):
        """Leads, opportunities won and lost, done activities, meetings and new customers."""
        won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        open_stages = env["crm.stage"].search([("is_won", "=", False)])
        skill = {emp: rng.uniform(0.6, 1.4) for emp in salespeople}
        leads_vals, created, closed, lost, followed = [], [], [], [], []
        partners_vals, partner_dates, meetings, activities = [], [], [], []
        day = first_month
        while day <= today:
            month_end = min(day + relativedelta(months=1, days=-1), today)
            span = (month_end - day).days + 1
            for emp in salespeople:
                user = emp.user_id
                for _i in range(int(rng.uniform(10, 18) * skill[emp])):
                    create = datetime.combine(
                        day + timedelta(days=rng.randrange(span)), time(rng.randrange(8, 18))
                    )
                    outcome = rng.random()
                    is_won, is_lost = outcome < 0.3 * skill[emp], 0.3 * skill[emp] <= outcome < 0.5
                    close = create + timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 8))
                    if close.date() > today:
                        is_won = is_lost = False
                    complete = rng.random() < 0.8
                    leads_vals.append(
                        {
                            "name": f"{rng.choice(['ERP', 'CRM', 'Cloud', 'Support', 'Training'])} deal "
                            f"{rng.randint(100, 999)}",
                            "type": "opportunity",
                            "user_id": user.id,
                            "expected_revenue": rng.randrange(5, 80) * 1000,
                            "stage_id": won_stage.id if is_won else rng.choice(open_stages).id,
                            "partner_name": f"Customer {rng.randint(1, 400)}" if complete else False,
                            "email_from": f"contact{rng.randint(1, 999)}@example.com",
                            "phone": f"+86 21 5555 {rng.randint(1000, 9999)}" if complete else False,
                            "city": rng.choice(["Shanghai", "Beijing", "Shenzhen", "Hangzhou"]),
                            "date_deadline": (create + timedelta(days=rng.randint(10, 60))).date(),
                        }
                    )
                    created.append(create)
                    closed.append(close if (is_won or is_lost) else None)
                    lost.append(is_lost)
                    followed.append(create + timedelta(hours=rng.choice([2, 6, 20, 30, 50])))
                for _i in range(int(rng.uniform(15, 35) * skill[emp])):
                    activities.append((user, day + timedelta(days=rng.randrange(span))))
                for _i in range(int(rng.uniform(4, 10) * skill[emp])):
                    start = datetime.combine(
                        day + timedelta(days=rng.randrange(span)), time(rng.randrange(8, 17))
                    )
                    meetings.append(
                        {
                            "name": "Customer visit",
                            "user_id": user.id,
                            "start": start,
                            "stop": start + timedelta(hours=1),
                        }
                    )
                for _i in range(rng.randint(2, 8)):
                    partners_vals.append(
                        {"name": f"New customer {len(partners_vals) + 1}", "user_id": user.id}
                    )
                    partner_dates.append(
                        datetime.combine(day + timedelta(days=rng.randrange(span)), time(10))
                    )
            day += relativedelta(months=1)
        leads = env["crm.lead"].create(leads_vals)
        env["crm.lead"].browse(
            [lid for lid, is_lost in zip(leads.ids, lost, strict=True) if is_lost]
        ).action_set_lost()
        env.flush_all()
        rows = list(zip(leads.ids, created, closed, followed, strict=True))
        for lead_id, create, close, follow in rows:
            env.cr.execute(
                "UPDATE crm_lead SET create_date = %s, date_closed = %s, first_followup_date = %s"
                " WHERE id = %s",
                (create, close, follow if follow.date() <= today else None, lead_id),
            )
        partners = env["res.partner"].create(partners_vals)
        for partner_id, create in zip(partners.ids, partner_dates, strict=True):
            env.cr.execute("UPDATE res_partner SET create_date = %s WHERE id = %s", (create, partner_id))
        env["calendar.event"].create(meetings)
        call = env.ref("mail.mail_activity_data_call")
        lead_model = env["ir.model"]._get_id("crm.lead")
        done = env["mail.activity"].create(
            [
                {
                    "res_model_id": lead_model,
                    "res_id": rng.choice(leads.ids),
                    "activity_type_id": call.id,
                    "user_id": user.id,
                    "summary": "Follow-up call",
                    "date_deadline": when,
                }
                for user, when in activities
            ]
        )
        done.action_archive()
        env.flush_all()
        # planned a day or three ahead, done during the working day: the way honest follow-ups look
        # to the integrity signals (no backdating, no bursts)
        zone = pytz.timezone(env.company.partner_id.tz or "UTC")

        def utc(day, hour, minutes=0):
            local = zone.localize(datetime.combine(day, time(hour)) + timedelta(minutes=minutes))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        for activity_id, (_user, when) in zip(done.ids, activities, strict=True):
            planned = utc(when - timedelta(days=rng.randrange(1, 4)), 8)
            marked = utc(when, 9, rng.randrange(9 * 60))
            env.cr.execute(
                "UPDATE mail_activity SET date_done = %s, create_date = %s, write_date = %s WHERE id = %s",
                (when, planned, marked, activity_id),
            )
        env.invalidate_all()
        leads.modified(["create_date", "first_followup_date", "date_closed"])
        env.flush_all()

    def _create_targets(self, env, rng, org, months):
        revenue = env.ref("crm_performance.kpi_won_revenue")
        team_revenue = env.ref("crm_performance.kpi_team_won_revenue")
        values = []
        for period in months:
            for emp in org["salespeople"]:
                values.append(
                    {
                        "kpi_id": revenue.id,
                        "period_id": period.id,
                        "employee_id": emp.id,
                        "value": rng.choice([150, 180, 200, 220]) * 1000,
                    }
                )
            for emp in org["managers"]:
                values.append(
                    {
                        "kpi_id": team_revenue.id,
                        "period_id": period.id,
                        "employee_id": emp.id,
                        "value": 800000,
                    }
                )
        env["crm.kpi.target"].create(values)

    def _score_and_review(self, env, rng, org, appraisals, today):
        """Manual items and attendance entered, then the chain walked as far as each month got."""
        for line in appraisals.line_ids:
            if line.scoring_rule == "manual":
                line.manual_points = rng.randint(6, 10) * line.max_points / 10
            elif line.scoring_rule == "deduction":
                line.occurrences = rng.choice([0, 0, 0, 0.5, 1, 2])
        last_month = today.replace(day=1) - relativedelta(months=1)
        chain = [
            ("action_submit", lambda a: a.manager_id.user_id),
            ("action_consolidate", lambda a: org["vp"]),
            ("action_first_review", lambda a: org["vp"]),
            ("action_approve", lambda a: org["hr"]),
            ("action_lock", lambda a: org["hr"]),
        ]
        for appraisal in appraisals.sorted("date_from"):
            if appraisal.date_from >= today.replace(day=1):
                continue  # this month stays in draft, recomputed nightly
            steps = 5 if appraisal.date_from < last_month else rng.choice([1, 2, 3, 3, 4])
            for method, who in chain[:steps]:
                getattr(appraisal.with_user(who(appraisal)), method)()
            if appraisal.state == "reviewed" and rng.random() < 0.3:
                appraisal.with_user(appraisal.user_id)._appeal(
                    "Two deals of mine closed on the last day of the month."
                )
            elif appraisal.state in ("approved", "locked"):
                appraisal.with_user(appraisal.user_id).action_acknowledge()
        env["crm.appraisal"]._flag_coaching(today)
        appraisals.period_id.filtered(lambda p: p.date_to < last_month).action_close()
