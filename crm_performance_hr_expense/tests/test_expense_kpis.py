from datetime import date

from odoo.tests import tagged

from odoo.addons.crm_performance.tests.common import PerformanceCase


@tagged("post_install", "-at_install")
class TestExpenseKpis(PerformanceCase):
    """Alice's expenses in March 2025: approved 120 (5 Mar) and 80 (18 Mar), refused 500, draft
    40, approved 70 in April: 200 approved in March. Invoiced 2 000 in March: 10 %.
    Bob: nothing spent, nothing invoiced (no ratio)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Travel", "can_be_expensed": True, "standard_price": 0.0, "supplier_taxes_id": []}
        )
        cls._expense(120, date(2025, 3, 5))._do_approve(check=False)
        cls._expense(80, date(2025, 3, 18))._do_approve(check=False)
        cls._expense(500, date(2025, 3, 10))._do_refuse("Not a sales expense")
        cls._expense(40, date(2025, 3, 11))
        cls._expense(70, date(2025, 4, 2))._do_approve(check=False)
        customer = cls.env["res.partner"].create({"name": "Customer"})
        cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_user_id": cls.alice.id,
                "invoice_date": date(2025, 3, 10),
                "invoice_line_ids": [
                    (0, 0, {"name": "Widgets", "quantity": 1, "price_unit": 2000, "tax_ids": []})
                ],
            }
        ).action_post()

    @classmethod
    def _expense(cls, amount, day):
        return cls.env["hr.expense"].create(
            {
                "name": f"Trip {amount}",
                "employee_id": cls.emp_alice.id,
                "product_id": cls.product.id,
                "total_amount_currency": amount,
                "tax_ids": [],
                "date": day,
            }
        )

    def measure(self, xmlid):
        values = self.env.ref(xmlid)._measure(
            date(2025, 3, 1), date(2025, 3, 31), self.company, {self.alice.id, self.bob.id}
        )
        return values.get(self.alice.id), values.get(self.bob.id)

    def test_approved_expenses_through_the_employee(self):
        self.assertEqual(self.measure("crm_performance_hr_expense.kpi_sales_expenses"), (200.0, 0.0))

    def test_expense_to_revenue_ratio(self):
        self.assertEqual(self.measure("crm_performance_hr_expense.kpi_expense_to_revenue"), (10.0, None))

    def test_drill_down_domain_opens_the_approved_expenses(self):
        kpi = self.env.ref("crm_performance_hr_expense.kpi_sales_expenses")
        domain = kpi._span_domain(date(2025, 3, 1), date(2025, 3, 31), self.company, [self.alice.id])
        self.assertEqual(sorted(self.env["hr.expense"].search(domain).mapped("total_amount")), [80.0, 120.0])
