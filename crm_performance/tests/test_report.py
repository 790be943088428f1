import io
import shutil
import subprocess
import unittest

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import AppraisalCase

REPORT = "crm_performance.report_crm_appraisal"
# where wkhtmltopdf fetches the report's stylesheets: nowhere. With a server running (Odoo's own
# test runner), it would wait for assets this test's open transaction is writing; the text of
# the PDF needs no stylesheet
NO_SERVER = "http://127.0.0.1:1"


@tagged("post_install", "-at_install")
class TestAppraisalReport(AppraisalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice_march.manager_comment = "Close the pipeline earlier."
        cls.env["ir.config_parameter"].set_param("report.url", NO_SERVER)

    def test_bound_to_appraisals(self):
        report = self.env.ref("crm_performance.crm_appraisal_action_report")
        self.assertEqual((report.model, report.report_type), ("crm.appraisal", "qweb-pdf"))
        self.assertEqual(report.binding_model_id.model, "crm.appraisal")

    def test_html(self):
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.alice_march.ids)
        self.assertEqual(report_type, "html")
        text = html.decode()
        for expected in (
            "Alice",
            "March 2025",
            "Sales",
            "North",
            "Carol",
            "Won revenue",
            "Average days to close",
            "Weekly report quality",
            "76.87",
            "Close the pipeline earlier.",
            "Sales VP",
        ):
            self.assertIn(expected, text)
        self.assertRegex(text, r"Grade</td>\s*<td[^>]*><span>B</span>")
        self.assertRegex(text, r"Rank in Team</td>\s*<td[^>]*><span>1</span> / <span>2</span>")

    def test_not_entered_and_corrected_are_printed(self):
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.alice_march.ids)[0].decode()
        self.assertIn("Not entered", html)
        self.assertNotIn('id="correction"', html)
        self.alice_march.with_user(self.hr_user)._correct_score(80, "Late deal")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.alice_march.ids)[0].decode()
        self.assertRegex(html, r"Total Score</td>\s*<td[^>]*><span>80.00</span>")
        self.assertRegex(html, r"Computed Score</td>\s*<td[^>]*><span>76.87</span>")
        self.assertRegex(html, r"Correction Reason</td>\s*<td[^>]*><span>Late deal</span>")

    def test_signatures_follow_the_workflow(self):
        self.assertEqual(
            self.alice_march._signatures(),
            [
                ("Employee", "Alice", False),
                ("Area Manager", "Carol", False),
                ("Sales VP", False, False),
                ("HR", False, False),
            ],
        )
        self.line_of(self.alice_march, self.kpi["weekly_reports"]).manual_points = 7
        self.alice_march.with_user(self.carol).action_submit()
        (_e, manager, _vp, _hr) = self.alice_march._signatures()
        self.assertEqual(manager, ("Area Manager", self.carol.name, self.alice_march.submitted_date))
        self.assertTrue(manager[2])
        # a level not signed yet names whom it expects once the company says who that is
        self.company.performance_reviewer_id = self.vp
        self.assertEqual(self.alice_march._signatures()[2], ("Sales VP", self.vp.name, False))
        self.alice_march.with_user(self.vp).action_consolidate()
        self.alice_march.with_user(self.vp).action_first_review()
        self.assertEqual(
            self.alice_march._signatures()[2], ("Sales VP", self.vp.name, self.alice_march.reviewed_date)
        )
        self.assertTrue(self.alice_march.reviewed_date)

    def test_one_page_per_appraisal(self):
        both = self.alice_march | self.appraisal["Bob", self.march]
        html, _type = self.env["ir.actions.report"]._render_qweb_html(REPORT, both.ids)
        self.assertEqual(html.decode().count('<div class="page">'), 2)

    def test_pdf(self):
        reports = self.env["ir.actions.report"]
        if reports.get_wkhtmltopdf_state() != "ok":
            raise unittest.SkipTest("wkhtmltopdf is not installed")
        pdf, report_type = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.alice_march.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 1)
        text = " ".join(reader.pages[0].extract_text().split())
        for expected in ("Alice", "Won revenue", "76.87"):
            self.assertIn(expected, text)

    def test_zh_cn_pdf_prints_chinese(self):
        """With the CJK font setup installs, the Chinese KPI names are in the PDF's text; numbers
        are rounded and carry their unit."""
        reports = self.env["ir.actions.report"]
        if reports.get_wkhtmltopdf_state() != "ok" or not shutil.which("pdftotext"):
            raise unittest.SkipTest("wkhtmltopdf or pdftotext (poppler-utils) is not installed")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_performance"], ["zh_CN"], overwrite=True)
        pdf, _type = reports.with_context(force_report_rendering=True, lang="zh_CN")._render_qweb_pdf(
            REPORT, self.alice_march.ids
        )
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout
        text = text.decode()
        names = [self.kpi[key].with_context(lang="zh_CN").name for key in ("won_revenue", "days_to_close")]
        self.assertEqual(names, ["销售额", "平均成单周期"])
        for expected in (*names, "考核表", "11.5 天", "104.4%", "76.87"):
            self.assertIn(expected, text)
