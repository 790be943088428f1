from datetime import date, datetime

from odoo.tests import tagged
from odoo.tools import SQL

from ..tools import currency
from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestMultiCompany(PerformanceCase):
    """Alice sells for two companies: the fixture's (USD) and Shanghai Co (CNY).

    March 2025, won and closed:
    ==========================  ==========================================  ==========
    company                     deals                                       revenue
    ==========================  ==========================================  ==========
    main (USD), the fixture     10 000 and 30 000                           40 000 USD
    Shanghai Co (CNY)           70 000 and 50 000                          120 000 CNY
    shared (no company)         1 000                                       counted in both
    ==========================  ==========================================  ==========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cny = cls.env.ref("base.CNY")
        cls.cny.active = True
        cls.shanghai = cls.env["res.company"].create({"name": "Shanghai Co", "currency_id": cls.cny.id})
        cls.shanghai.partner_id.tz = "UTC"
        cls.alice.company_ids |= cls.shanghai
        for revenue in (70000, 50000):
            cls._won(
                cls.alice, revenue, datetime(2025, 3, 1), datetime(2025, 3, 10)
            ).company_id = cls.shanghai
        cls._won(cls.alice, 1000, datetime(2025, 3, 1), datetime(2025, 3, 12)).company_id = False

        kpis = [
            (cls.kpi["won_revenue"], 70, {"default_target": 50000}),
            (cls.kpi["won_deals"], 30, {"default_target": 4}),
        ]
        cls._plan(kpis, name="Main plan", employees=cls.emp_alice.ids)
        cls.emp_alice_sh = cls.env["hr.employee"].create(
            {"name": "Alice (Shanghai)", "user_id": cls.alice.id, "company_id": cls.shanghai.id}
        )
        Sh = cls.env["crm.appraisal.plan"].with_company(cls.shanghai)
        Sh.create(
            {
                "name": "Shanghai plan",
                "company_id": cls.shanghai.id,
                "employee_ids": [(6, 0, cls.emp_alice_sh.ids)],
                "line_ids": [
                    (0, 0, {"kpi_id": kpi.id, "weight": weight, **extra}) for kpi, weight, extra in kpis
                ],
            }
        )
        cls.march_sh = (
            cls.env["crm.appraisal.period"]
            .with_company(cls.shanghai)
            .create({"period_type": "month", "date_from": date(2025, 3, 1), "company_id": cls.shanghai.id})
        )
        Appraisal = cls.env["crm.appraisal"]
        cls.main = Appraisal._generate(cls.march)
        cls.sh = Appraisal.with_company(cls.shanghai)._generate(cls.march_sh)

    def results(self, appraisal):
        return {
            line.kpi_id: (line.actual, line.score, line.weighted_score) for line in appraisal.line_ids
        }, appraisal.total_score

    def test_each_company_counts_its_own_records_and_shared_ones(self):
        k = self.kpi
        # main: 40 000 + 1 000 shared = 41 000 of 50 000 (82 %); 3 deals of 4 (75 %)
        self.assertEqual(
            self.results(self.main),
            ({k["won_revenue"]: (41000, 82, 57.4), k["won_deals"]: (3, 75, 22.5)}, 79.9),
        )
        # Shanghai: 120 000 + 1 000 = 121 000 CNY of 50 000 (242 %, capped at 120); 3 deals of 4
        self.assertEqual(
            self.results(self.sh),
            ({k["won_revenue"]: (121000, 120, 84), k["won_deals"]: (3, 75, 22.5)}, 106.5),
        )

    def test_recompute_keeps_companies_apart(self):
        self._won(self.alice, 9000, datetime(2025, 3, 1), datetime(2025, 3, 20)).company_id = self.shanghai
        (self.main | self.sh)._compute_scores()
        self.assertEqual(self.line_of(self.main, self.kpi["won_revenue"]).actual, 41000)
        self.assertEqual(self.line_of(self.sh, self.kpi["won_revenue"]).actual, 130000)

    def test_drill_down_opens_the_company_records(self):
        action = self.line_of(self.sh, self.kpi["won_revenue"]).action_open_records()
        leads = self.env["crm.lead"].search(action["domain"])
        self.assertEqual(sorted(leads.mapped("expected_revenue")), [1000, 50000, 70000])

    def test_a_record_currency_is_converted_at_the_rate_of_its_date(self):
        """The conversion factor the scans use agrees with Odoo's own ``_get_conversion_rate``:
        the latest rate on or before the day (the company's before a shared one), the earliest
        one before any rate, 1 between a company's own currency and itself."""
        usd, eur = self.env.ref("base.USD"), self.env.ref("base.EUR")
        eur.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (self.cny | eur | usd).ids)]).unlink()
        for name, cur, rate, company in (
            ("2025-01-01", self.cny, 7.0, False),
            ("2025-03-01", self.cny, 7.2, False),
            ("2025-03-01", self.cny, 7.25, self.shanghai),  # Shanghai's own rate wins over the shared one
            ("2025-02-15", eur, 0.9, False),
            ("2025-03-10", eur, 0.95, False),
        ):
            Rate.create(
                {"name": name, "currency_id": cur.id, "rate": rate, "company_id": company and company.id}
            )
        rows = [
            (cur, day) for cur in (usd, eur, self.cny) for day in ("2024-12-01", "2025-03-05", "2025-03-31")
        ]
        for company in (self.company, self.shanghai):
            factors = self.env.execute_query(
                SQL(
                    "SELECT %s FROM (VALUES %s) AS t(currency_id, day)",
                    currency.conversion_sql(SQL("t.currency_id"), SQL("t.day::date"), company),
                    SQL(", ").join(SQL("(%s, %s)", cur.id, day) for cur, day in rows),
                )
            )
            expected = [
                self.env["res.currency"]._get_conversion_rate(cur, company.currency_id, company, day)
                for cur, day in rows
            ]
            for (factor,), rate, row in zip(factors, expected, rows, strict=True):
                self.assertAlmostEqual(float(factor), rate, places=9, msg=f"{company.name} {row}")
        # 100 EUR on 5 March into Shanghai's CNY: 100 x 7.25 / 0.9 (EUR's rate of 15 February)
        factor = self.env.execute_query(
            SQL(
                "SELECT %s",
                currency.conversion_sql(SQL("%s", eur.id), SQL("'2025-03-05'::date"), self.shanghai),
            )
        )[0][0]
        self.assertAlmostEqual(100 * float(factor), 805.5555555556, places=6)
