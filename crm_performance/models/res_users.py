from odoo import api, models

HOME_ACTION = "crm_performance.crm_performance_dashboard_action_my"


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "crm.appraisal.stat.mixin"]

    def _crm_appraisal_employees(self):
        return self.employee_ids

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._crm_performance_set_home()
        return users

    def write(self, vals):
        result = super().write(vals)
        if "group_ids" in vals:
            self._crm_performance_set_home()
        return result

    def _crm_performance_set_home(self):
        """Salespeople (Performance User, not Manager) without a home action of their own open
        My Performance after login."""
        action = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        if not action:  # during the module's installation, before the action is loaded
            return
        user_group = self.env.ref("crm_performance.crm_performance_group_user")
        manager_group = self.env.ref("crm_performance.crm_performance_group_manager")
        salespeople = self.sudo().filtered(
            lambda user: not user.action_id
            and user_group in user.all_group_ids
            and manager_group not in user.all_group_ids
        )
        salespeople.write({"action_id": action.id})
