import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

# the repository's addons, each with its own catalogue
ADDONS = (
    "crm_performance",
    "crm_performance_account",
    "crm_performance_hr_expense",
    "crm_performance_hr_holidays",
    "crm_performance_sale",
)


@tagged("post_install", "-at_install")
class TestChinese(TransactionCase):
    def test_catalogue_and_workflow_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "crm_performance")])._update_translations(
            ["zh_CN"]
        )
        zh = self.env(context={"lang": "zh_CN"})
        self.assertEqual(zh.ref("crm_performance.kpi_conversion_rate").name, "成交转化率")
        self.assertEqual(zh.ref("crm_performance.plan_area_manager").name, "区域经理")
        states = dict(zh["crm.appraisal"]._fields["state"]._description_selection(zh))
        self.assertEqual(states["reviewed"], "已初审")

    def test_one_word_for_score_another_for_points(self):
        """Every catalogue of the repository says 得分 for a score and 评分 for points, never one
        of their synonyms: a Chinese reader must not wonder whether 总分 and 得分 differ."""
        synonyms = ("总分", "分数", "分值", "积分", "最高分", "打分")
        for addon in ADDONS:
            for entry in polib.pofile(file_path(f"{addon}/i18n/zh_CN.po")):
                if entry.obsolete or not entry.msgstr:
                    continue
                with self.subTest(addon=addon, msgid=entry.msgid):
                    self.assertFalse([word for word in synonyms if word in entry.msgstr])
                    if re.search(r"\b[Ss]core\b", entry.msgid):
                        self.assertIn("得分", entry.msgstr)
                    if re.search(r"\b[Pp]oints?\b(?! to)", entry.msgid):
                        self.assertIn("评分", entry.msgstr)
