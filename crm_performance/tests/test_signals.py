from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..models.crm_appraisal_signal import KINDS
from .common import PerformanceCase


class SignalCase(PerformanceCase):
    """March 2025 appraisals of Alice and Bob under a one-KPI plan; every signal switched off
    until a test switches its own on (``_only``). Records are planted by hand, with the moments
    Odoo would store (activities' done moment, tracked stage moves' dates) set in SQL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan([(cls.kpi["won_revenue"], 100, {"default_target": 50000})])
        cls.company.write({f"performance_signal_{kind}": False for kind in KINDS})
        cls.appraisals = cls.env["crm.appraisal"]._generate(cls.march)
        cls.alice_m = cls.appraisals.filtered(lambda a: a.employee_id == cls.emp_alice)
        cls.bob_m = cls.appraisals.filtered(lambda a: a.employee_id == cls.emp_bob)
        cls.stages = cls.env["crm.stage"].search([("is_won", "=", False)], order="sequence, id")
        cls.open_lead = {
            user: cls._lead(user, 0, datetime(2025, 3, 1), datetime(2025, 3, 1))
            for user in (cls.alice, cls.bob)
        }

    def _only(self, kind, threshold, **params):
        self.company.write(
            {
                f"performance_signal_{kind}": True,
                f"performance_signal_{kind}_threshold": threshold,
                **{f"performance_signal_{name}": value for name, value in params.items()},
            }
        )

    def _compute(self):
        self.appraisals._compute_scores()
        return {
            appraisal.employee_id.name: {s.kind: s for s in appraisal.signal_ids}
            for appraisal in self.appraisals
        }

    def _records(self, signal):
        action = signal.action_open_records()
        return self.env[action["res_model"]].with_context(**action["context"]).search(action["domain"])

    def assertRaised(self, signals, name, kind, records):
        """``name``'s signal ``kind`` is raised with exactly ``records``, and opens them."""
        signal = signals[name].get(kind)
        self.assertTrue(signal, f"{kind} raised for {name}")
        self.assertEqual(signal.count, len(records))
        self.assertEqual(self._records(signal), records)

    # -- planting ---------------------------------------------------------------------------

    def _activity(self, user, done_at, created=None, deadline=None, lead=None):
        """An activity of ``user`` marked done at ``done_at`` (created then, due that day)."""
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": (lead or self.open_lead[user]).id,
                "user_id": user.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            }
        )
        activity._action_done()
        created = created or done_at
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_activity SET write_date = %s, date_done = %s, create_date = %s, date_deadline = %s"
            " WHERE id = %s",
            (done_at, done_at.date(), created, deadline or created.date(), activity.id),
        )
        self.env.invalidate_all()
        return activity.with_context(active_test=False)

    def _move(self, lead, at, action):
        """Run ``action(lead)`` with tracking on; its tracked changes are dated ``at``."""
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
        before = self.env.cr.fetchone()[0]
        self.env.cr.flush()  # ends the tracking discarded while the lead was made
        action(lead.with_context(tracking_disable=False))
        self.env.flush_all()
        self.env.cr.flush()  # the tracking values are written before commit
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE model = 'crm.lead' AND res_id = %s AND id > %s",
            (at, lead.id, before),
        )
        self.env.invalidate_all()

    def _stage(self, lead, stage, at):
        self._move(lead, at, lambda tracked: tracked.write({"stage_id": stage.id}))

    def _customer(self, user, created, **vals):
        partner = self.env["res.partner"].create({"name": f"Customer {created}", "user_id": user.id, **vals})
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET create_date = %s WHERE id = %s", (created, partner.id))
        partner.invalidate_recordset(["create_date"])
        return partner


@tagged("post_install", "-at_install")
class TestSignals(SignalCase):
    def test_pull_forward(self):
        """Won in the last 3 days of March, reopened or archived in the first 7 of April (Odoo
        refuses to lose a won deal: it is reopened first)."""
        self._only("pull_forward", 2, pull_forward_days=3, pull_forward_after_days=7)
        first, second = self.stages[:2]

        def deal(user, won_at):
            lead = self._lead(user, 8000, datetime(2025, 3, 1), won_at, stage_id=first.id)
            self._stage(lead, self.won_stage, won_at)
            return lead

        reopened = deal(self.alice, datetime(2025, 3, 29, 10))
        self._stage(reopened, second, datetime(2025, 4, 3, 9))
        archived = deal(self.alice, datetime(2025, 3, 31, 18))
        self._move(archived, datetime(2025, 4, 7, 23, 59), lambda tracked: tracked.action_archive())
        # near misses: won earlier in March; reopened after the 7th; reopened within March
        early = deal(self.alice, datetime(2025, 3, 28, 23, 59))
        self._stage(early, second, datetime(2025, 4, 2))
        late = deal(self.alice, datetime(2025, 3, 30))
        self._stage(late, second, datetime(2025, 4, 8))
        same_month = deal(self.bob, datetime(2025, 3, 30))
        self._stage(same_month, second, datetime(2025, 3, 31))
        kept = deal(self.bob, datetime(2025, 3, 30))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "pull_forward", reopened | archived)
        self.assertEqual(signals["Bob"], {}, f"{same_month.name} reopened in March, {kept.name} kept")

    def test_activity_burst(self):
        """3 activities done within 5 minutes; Bob's third comes a second too late."""
        self._only("activity_burst", 3, burst_minutes=5)
        burst = self.env["mail.activity"]
        for minute, second in ((0, 0), (2, 0), (5, 0)):
            burst |= self._activity(self.alice, datetime(2025, 3, 10, 10, minute, second))
        self._activity(self.alice, datetime(2025, 3, 10, 10, 5, 1))
        self._activity(self.alice, datetime(2025, 3, 12, 10))
        for minute, second in ((0, 0), (3, 0), (5, 1)):
            self._activity(self.bob, datetime(2025, 3, 10, 10, minute, second))
        signals = self._compute()
        # the window from 10:02 holds 10:02, 10:05:00, 10:05:01: all four are in a burst
        burst |= (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.alice.id), ("date_done", "=", date(2025, 3, 10))])
        )
        self.assertEqual(len(burst), 4)
        self.assertRaised(signals, "Alice", "activity_burst", burst)
        self.assertEqual(signals["Bob"], {})

    def test_activity_burst_at_one_moment_and_overlapping(self):
        """Bursts made of activities marked done at the same moment (a bulk "mark done") and of
        windows that overlap: every activity of each, none of the near misses around them."""
        self._only("activity_burst", 3, burst_minutes=5)
        at = datetime(2025, 3, 10, 10)
        bulk = self.env["mail.activity"].concat(*(self._activity(self.alice, at) for _n in range(3)))
        self._activity(self.alice, at + timedelta(minutes=6))
        for minute in (60, 64, 68, 72):  # two in any 5 minutes
            self._activity(self.alice, at + timedelta(minutes=minute))
        # windows from 10:12, 10:14 and 10:16 hold three each: one stretch of five, apart from
        # the one at 10:00 (10:06 is in neither)
        chain = self.env["mail.activity"].concat(
            *(self._activity(self.alice, at + timedelta(minutes=12 + minute)) for minute in (0, 2, 4, 6, 8))
        )
        self._activity(self.alice, at + timedelta(minutes=26))
        self._activity(self.bob, at)
        self._activity(self.bob, at)
        self._activity(self.bob, at + timedelta(minutes=5, seconds=1))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "activity_burst", bulk | chain)
        self.assertEqual(signals["Bob"], {})

    def test_activity_after_hours(self):
        """2 activities done after 21:00 on one day; Bob's two fall on two days."""
        self._only("activity_after_hours", 2, work_hour_from=7.0, work_hour_to=21.0)
        late = self._activity(self.alice, datetime(2025, 3, 10, 22, 30)) | self._activity(
            self.alice, datetime(2025, 3, 10, 23, 10)
        )
        self._activity(self.alice, datetime(2025, 3, 10, 20, 59))
        self._activity(self.bob, datetime(2025, 3, 10, 21, 0))
        self._activity(self.bob, datetime(2025, 3, 11, 6, 59))
        self._activity(self.bob, datetime(2025, 3, 11, 7, 0))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "activity_after_hours", late)
        self.assertEqual(signals["Bob"], {})

    def test_activity_after_hours_in_the_company_time_zone(self):
        """22:30 in Shanghai is 14:30 UTC: placed in the company's time zone."""
        self._only("activity_after_hours", 1)
        self.company.partner_id.tz = "Asia/Shanghai"
        late = self._activity(self.alice, datetime(2025, 3, 10, 14, 30))
        self._activity(self.bob, datetime(2025, 3, 10, 1, 0))  # 09:00 in Shanghai
        self._activity(self.bob, datetime(2025, 3, 10, 12, 59))  # 20:59
        signals = self._compute()
        self.assertRaised(signals, "Alice", "activity_after_hours", late)
        self.assertEqual(signals["Bob"], {})

    def test_activity_backdated(self):
        """Due before the day they were created; Bob has one only."""
        self._only("activity_backdated", 2)
        created = datetime(2025, 3, 10, 9)
        backdated = self._activity(self.alice, created, deadline=date(2025, 3, 8)) | self._activity(
            self.alice, datetime(2025, 3, 12), created=created, deadline=date(2025, 3, 9)
        )
        self._activity(self.alice, created, deadline=date(2025, 3, 10))
        self._activity(self.bob, created, deadline=date(2025, 3, 1))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "activity_backdated", backdated)
        self.assertEqual(signals["Bob"], {})

    def test_activity_backdated_in_the_company_time_zone(self):
        """Created 9 March 20:00 UTC is 10 March 04:00 in Shanghai: due on the 9th is backdated
        there; Bob's, created 9 March 15:00 UTC (23:00 in Shanghai), is due the day it was created."""
        self._only("activity_backdated", 1)
        self.company.partner_id.tz = "Asia/Shanghai"
        backdated = self._activity(
            self.alice, datetime(2025, 3, 12), datetime(2025, 3, 9, 20), date(2025, 3, 9)
        )
        self._activity(self.bob, datetime(2025, 3, 12), datetime(2025, 3, 9, 15), date(2025, 3, 9))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "activity_backdated", backdated)
        self.assertEqual(signals["Bob"], {})

    def test_empty_win(self):
        """Alice's two March wins have nothing logged; a third has a meeting, a fourth an
        activity done; Bob's one empty win is below the threshold."""
        self._only("empty_win", 2)
        empty = self.env["crm.lead"].search(
            [("user_id", "=", self.alice.id), ("date_closed", ">=", datetime(2025, 3, 1))]
        ) - self.env["crm.lead"].search([("date_closed", ">=", datetime(2025, 4, 1))])
        self.assertEqual(sorted(empty.mapped("expected_revenue")), [10000, 30000])
        met = self._won(self.alice, 7000, datetime(2025, 3, 2), datetime(2025, 3, 20))
        self.env["calendar.event"].create(
            {
                "name": "Visit",
                "opportunity_id": met.id,
                "start": datetime(2025, 3, 3, 9),
                "stop": datetime(2025, 3, 3, 10),
            }
        )
        followed = self._won(self.alice, 7000, datetime(2025, 3, 2), datetime(2025, 3, 21))
        self._activity(self.alice, datetime(2025, 4, 2), lead=followed)  # done later still counts
        signals = self._compute()
        self.assertRaised(signals, "Alice", "empty_win", empty)
        self.assertEqual(signals["Bob"], {})

    def test_quick_win(self):
        """Created and won on 20 March for 20 000 or more."""
        self._only("quick_win", 1, quick_win_amount=20000)
        quick = self._won(self.alice, 20000, datetime(2025, 3, 20, 9), datetime(2025, 3, 20, 23, 59))
        self._won(self.alice, 25000, datetime(2025, 3, 20, 9), datetime(2025, 3, 21, 8))
        self._won(self.bob, 19999.99, datetime(2025, 3, 20, 9), datetime(2025, 3, 20, 17))
        signals = self._compute()
        self.assertRaised(signals, "Alice", "quick_win", quick)
        self.assertEqual(signals["Bob"], {})

    def test_thin_customer(self):
        """New customers with a phone only; one with an email, a contact person, a February
        customer and Bob's single thin one do not count."""
        self._only("thin_customer", 2)
        march = datetime(2025, 3, 5)
        thin = self._customer(self.alice, march, phone="+86 138 0013 8000") | self._customer(
            self.alice, datetime(2025, 3, 31, 23), phone="021 5555 0000"
        )
        company = self._customer(self.alice, march, phone="1", email="buyer@example.com")
        self._customer(self.alice, march, phone="2", parent_id=company.id)
        self._customer(self.alice, datetime(2025, 2, 28), phone="3")
        self._customer(self.alice, march, name="No phone")
        self._customer(self.bob, march, phone="4")
        signals = self._compute()
        self.assertRaised(signals, "Alice", "thin_customer", thin)
        self.assertEqual(signals["Bob"], {})

    def test_duplicate_customer(self):
        """Same normalized email, sanitized phone or tax ID as an earlier customer (phones are
        as typed here: this Odoo has no phonenumbers library to format them)."""
        self._only("duplicate_customer", 1)
        self._customer(
            self.dave,
            datetime(2024, 6, 1),
            name="Acme",
            email="Sales <sales@acme.example.com>",
            phone="+33 6 12 34 56 78",
            vat="CN 9131-0000",
        )
        march = datetime(2025, 3, 5)
        duplicates = (
            self._customer(self.alice, march, email="SALES@acme.example.com")
            | self._customer(self.alice, march, phone="+33 6 12 34 56 78")
            | self._customer(self.alice, march, vat="cn91310000")
        )
        self._customer(self.alice, march, email="buyer@acme.example.com", phone="+33 6 12 34 56 79")
        own = self._customer(self.bob, march, email="bob.customer@example.com", is_company=True)
        self._customer(self.bob, march, email="bob.customer@example.com", parent_id=own.id)
        signals = self._compute()
        self.assertRaised(signals, "Alice", "duplicate_customer", duplicates)
        self.assertEqual(signals["Bob"], {}, "a contact of the new customer is not a duplicate")

    def test_stage_jump(self):
        """First stage straight to won; through a second stage, or back to the first, is not."""
        self._only("stage_jump", 2)
        first, second = self.stages[:2]
        jumps = self.env["crm.lead"]
        for day in (10, 11):
            lead = self._lead(
                self.alice, 5000, datetime(2025, 3, 1), datetime(2025, 3, day), stage_id=first.id
            )
            self._stage(lead, self.won_stage, datetime(2025, 3, day))
            lead.date_closed = datetime(2025, 3, day)
            jumps |= lead
        detour = self._lead(self.alice, 5000, datetime(2025, 3, 1), datetime(2025, 3, 7), stage_id=first.id)
        self._stage(detour, second, datetime(2025, 3, 5))
        self._stage(detour, first, datetime(2025, 3, 6))
        self._stage(detour, self.won_stage, datetime(2025, 3, 7))
        detour.date_closed = datetime(2025, 3, 7)
        signals = self._compute()
        self.assertRaised(signals, "Alice", "stage_jump", jumps)
        self.assertEqual(signals["Bob"], {})

    def test_only_the_companys_records(self):
        """Another company's customers, deals and activities on its deals do not count; shared
        customers do."""
        self._only("thin_customer", 1)
        self.company.write(
            {"performance_signal_empty_win": True, "performance_signal_empty_win_threshold": 1}
        )
        other = self.env["res.company"].create({"name": "Other company"})
        self.alice.company_ids |= other
        march = datetime(2025, 3, 5)
        shared = self._customer(self.bob, march, phone="021 5555 0001")
        self._customer(self.bob, march, phone="021 5555 0002", company_id=other.id)
        self.company.write(
            {
                "performance_signal_activity_backdated": True,
                "performance_signal_activity_backdated_threshold": 1,
            }
        )
        self.env["crm.lead"].search([("user_id", "=", self.alice.id)]).company_id = other
        backdated = {"deadline": date(2025, 3, 1)}
        self._activity(self.alice, datetime(2025, 3, 10), **backdated)  # on her other company's lead
        bob = self._activity(self.bob, datetime(2025, 3, 10), **backdated)
        signals = self._compute()
        self.assertRaised(signals, "Bob", "thin_customer", shared)
        self.assertRaised(signals, "Bob", "activity_backdated", bob)
        self.assertEqual(set(signals["Alice"]), set(), "Alice's deals and activities are the other company's")

    def test_signals_never_change_scores(self):
        before = self.appraisals.mapped("total_score")
        self._only("empty_win", 1)
        signals = self._compute()
        self.assertEqual(set(signals["Alice"]), {"empty_win"})
        self.assertEqual(self.appraisals.mapped("total_score"), before)

    def test_switched_off_signal_is_cleared(self):
        self._only("empty_win", 1)
        self.assertTrue(self._compute()["Alice"])
        self.company.performance_signal_empty_win = False
        self.assertEqual(self._compute(), {"Alice": {}, "Bob": {}})


@tagged("post_install", "-at_install")
class TestSignalSettings(SignalCase):
    """The Performance Administrator sets the company's performance settings (Performance >
    Configuration > Settings) without Odoo's Settings rights; nobody else does."""

    def _form(self, user):
        action = self.env.ref("crm_performance.res_company_action_performance_settings").with_user(user).run()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.company", self.company.id))
        return Form(self.company.with_user(user), view=action["views"][0][0])

    def test_administrator_sets_the_companys_settings(self):
        self.assertFalse(self.admin.has_group("base.group_system"))
        self.assertFalse(self.company.with_user(self.admin).has_access("write"))
        with self._form(self.admin) as form:
            form.performance_signal_stage_jump = False
            form.performance_signal_empty_win = True
            form.performance_signal_empty_win_threshold = 7
            form.performance_signal_quick_win = True
            form.performance_signal_quick_win_amount = 80000
            form.performance_signals_employee_visible = True
            form.performance_deadline_day = 10
            form.performance_reviewer_id = self.vp
        self.assertEqual(
            (
                self.company.performance_signal_stage_jump,
                self.company.performance_signal_empty_win_threshold,
                self.company.performance_signal_quick_win_amount,
                self.company.performance_signals_employee_visible,
                self.company.performance_deadline_day,
                self.company.performance_reviewer_id,
            ),
            (False, 7, 80000, True, 10, self.vp),
        )

    def test_administrator_writes_no_other_field_nor_company(self):
        company = self.company.with_user(self.admin)
        for vals in ({"name": "Renamed"}, {"name": "Renamed", "performance_signal_empty_win_threshold": 3}):
            with self.assertRaises(AccessError):
                company.write(vals)
        other = self.env["res.company"].create({"name": "Other Co"})
        with self.assertRaises(AccessError):
            other.with_user(self.admin).write({"performance_signal_empty_win_threshold": 3})
        self.assertEqual(
            (self.company.name, self.company.performance_signal_empty_win_threshold),
            (self.env.company.name, 5),
        )
        self.assertEqual(other.performance_signal_empty_win_threshold, 5)

    def test_others_cannot_set_the_settings(self):
        for user in (self.hr_user, self.vp, self.carol, self.alice):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.company.with_user(user).write({"performance_signal_empty_win_threshold": 3})
        self.assertEqual(self.company.performance_signal_empty_win_threshold, 5)

    def test_bad_settings_are_refused(self):
        company = self.company.with_user(self.admin)
        with self.assertRefused(ValidationError, "thresholds, days and minutes are 1 or more"):
            company.performance_signal_empty_win_threshold = 0
        with self.assertRefused(ValidationError, "working hours run from 0:00 to 24:00"):
            company.write({"performance_signal_work_hour_from": 22, "performance_signal_work_hour_to": 8})
        self.assertEqual(
            (self.company.performance_signal_work_hour_from, self.company.performance_signal_work_hour_to),
            (7.0, 21.0),
        )


@tagged("post_install", "-at_install")
class TestSignalReview(SignalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"performance_signal_empty_win": True, "performance_signal_empty_win_threshold": 1})
        cls.appraisals._compute_scores()
        cls.alice_signal = cls.alice_m.signal_ids
        cls.bob_signal = cls.bob_m.signal_ids

    def test_planted(self):
        self.assertEqual((self.alice_signal.count, self.bob_signal.count), (2, 1))

    def test_who_sees_which_signals(self):
        Signal = self.env["crm.appraisal.signal"]
        both = self.alice_signal | self.bob_signal
        expected = {
            self.alice: Signal,
            self.bob: Signal,
            self.carol: both,
            self.dave: Signal,
            self.vp: both,
            self.hr_user: both,
        }
        for user, visible in expected.items():
            self.assertEqual(Signal.with_user(user).search([]), visible, user.login)
            if visible:
                counts = {a.employee_id.name: a.signal_count for a in self.appraisals.with_user(user)}
                self.assertEqual(counts, {"Alice": 1, "Bob": 1}, user.login)
        for user in (self.alice, self.bob, self.dave):
            with self.assertRaises(AccessError):
                self.alice_signal.with_user(user).read(["count"])
        self.assertEqual(self.alice_m.with_user(self.alice).signal_count, 0)
        self.assertFalse(self.alice_m.with_user(self.alice).signal_ids)
        self.company.performance_signals_employee_visible = True
        self.env.invalidate_all()
        self.assertEqual(Signal.with_user(self.alice).search([]), self.alice_signal)
        self.assertEqual(self.alice_m.with_user(self.alice).signal_count, 1)
        with self.assertRaises(AccessError):
            self.bob_signal.with_user(self.alice).read(["count"])
        with self.assertRefused(UserError, "your own appraisal"):
            self.alice_signal.with_user(self.alice).write({"comment": "All fine"})

    def test_team_board_counts_signals_to_explain(self):
        """Carol's board: one signal each for Alice and Bob, two for North; one once Bob's is
        explained. Dave, who manages another team, sees none."""

        def board(user):
            data = self.env["crm.performance.dashboard"].with_user(user).get_team_board("2025-03-01")
            members = {m["employee"]: (m["signals"], m["signal_summary"]) for m in data["members"]}
            return members, {t["team"]: t["signals"] for t in data["teams"]}

        one = (1, "Wins without activity: 2")
        self.assertEqual(
            board(self.carol), ({"Alice": one, "Bob": (1, "Wins without activity: 1")}, {"North": 2})
        )
        self.bob_signal.with_user(self.carol).comment = "Repeat order, phoned in."
        self.bob_signal.with_user(self.carol).action_explain()
        self.env.invalidate_all()
        self.assertEqual(board(self.carol), ({"Alice": one, "Bob": (0, "")}, {"North": 1}))
        self.assertEqual(board(self.dave), ({}, {}))

    def test_explain_is_tracked_and_checked(self):
        signal = self.alice_signal.with_user(self.carol).with_context(tracking_disable=False)
        with self.assertRefused(UserError, "Write the explanation"):
            signal.action_explain()
        signal.comment = "Repeat orders of a long-standing customer, logged in the ERP."
        signal.action_explain()
        self.assertEqual((signal.explained, signal.explained_by_id), (True, self.carol))
        self.env.flush_all()
        self.env.cr.flush()
        tracked = signal.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("explained", tracked)
        self.assertIn("comment", tracked)
        with self.assertRefused(UserError, "a reviewer can only explain them"):
            signal.write({"explained": False})
        with self.assertRefused(UserError, "a reviewer can only explain them"):
            signal.with_context(crm_performance_signals=True).write({"count": 0})

    def test_explained_stays_explained_until_the_records_change(self):
        self.alice_signal.comment = "Checked with the customer."
        self.alice_signal.with_user(self.carol).action_explain()
        self.appraisals._compute_scores()
        self.assertEqual(self.alice_m.signal_ids, self.alice_signal, "the same signal")
        self.assertTrue(self.alice_signal.explained, "same records: still explained")
        self.assertEqual(self.alice_m.signal_count, 0)
        self._won(self.alice, 1000, datetime(2025, 3, 3), datetime(2025, 3, 4))
        self.appraisals._compute_scores()
        self.assertEqual((self.alice_signal.count, self.alice_signal.explained), (3, False))
        self.assertEqual(self.alice_signal.comment, "Checked with the customer.")
        self.assertIn("(2 → 3)", self.alice_signal.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestSignalQueries(SignalCase):
    def test_query_count_does_not_grow_with_salespeople(self):
        """Every signal on: generating and recomputing 2 or 6 salespeople's month (each with a
        signal raised) cost the same queries."""
        self.company.write(
            {f"performance_signal_{kind}": True for kind in KINDS}
            | {"performance_signal_thin_customer_threshold": 1}
        )
        users = self.env["res.users"].create([{"name": f"Rep {i}", "login": f"rep{i}"} for i in range(4)])
        reps = self.env["hr.employee"].create([{"name": u.name, "user_id": u.id} for u in users])
        april, may, june = self.env["crm.appraisal.period"].create(
            [{"period_type": "month", "date_from": date(2025, month, 1)} for month in (4, 5, 6)]
        )
        self._customer(self.alice, datetime(2025, 4, 1), phone="5")
        self.env["crm.appraisal"]._generate(april)  # warm the caches, a signal raised
        counts = []
        for period, employees in ((may, self.env["hr.employee"]), (june, reps)):
            self.plan.employee_ids |= employees
            for employee in self.plan.employee_ids:
                self._customer(
                    employee.user_id, datetime.combine(period.date_from, datetime.min.time()), phone="5"
                )
            count, appraisals = self._month_queries(period)
            counts.append(count)
            self.assertEqual(len(appraisals.signal_ids), len(appraisals))
        self.assertEqual(counts[0], counts[1], counts)
