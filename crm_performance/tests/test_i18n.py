from odoo.tests import TransactionCase, tagged


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
