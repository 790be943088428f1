from odoo import api, models


class CrmAppraisalRulesMixin(models.AbstractModel):
    """What a plan's scoring rules are made of (plans, their KPI lines, scoring bands, grade
    bands): computations read the rules once per server process (``crm.appraisal.plan._rules``),
    so saving, removing or translating one of these records clears them, in every worker (Odoo's
    cache signalling) and again if the transaction is rolled back."""

    _name = "crm.appraisal.rules.mixin"
    _description = "Appraisal Scoring Rules Source"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=""):
        result = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        self.env.registry.clear_cache()
        return result
