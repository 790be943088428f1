import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * A manager scores the manual item of a subordinate's appraisal and saves it.
 * The appraisal (employee "Alice", manual KPI "Weekly report quality") is built by
 * crm_performance/tests/test_tour.py. Steps are grouped by stage so that the
 * review stages (submit, approve...) can be appended to `steps`.
 */
const openAppraisal = [
    stepUtils.showAppsMenuItem(),
    {
        content: "Open the Performance app",
        trigger: ".o_app[data-menu-xmlid='crm_performance.crm_performance_menu_root']",
        run: "click",
    },
    {
        content: "Open the Appraisals menu",
        trigger: ".o_main_navbar a[data-menu-xmlid='crm_performance.crm_appraisal_menu']",
        run: "click",
    },
    {
        content: "Open Alice's March appraisal",
        trigger: ".o_list_view .o_data_row:contains('2025-03') td[name='employee_id']:contains('Alice')",
        run: "click",
    },
];

const scoreManualItem = [
    {
        content: "Select the manual KPI line",
        trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Weekly report quality') td[name='manual_points']",
        run: "click",
    },
    {
        content: "Enter the points",
        trigger: ".o_field_widget[name='line_ids'] .o_data_row.o_selected_row [name='manual_points'] input",
        run: "edit 8",
    },
    {
        content: "Save the appraisal",
        trigger: ".o_form_button_save",
        run: "click",
    },
    {
        content: "The score of the line is computed",
        trigger: ".o_form_saved .o_field_widget[name='line_ids'] .o_data_row:contains('Weekly report quality') td[name='score']:contains('80.00')",
    },
];

registry.category("web_tour.tours").add("crm_performance_manager_tour", {
    url: "/odoo",
    steps: () => [...openAppraisal, ...scoreManualItem],
});
