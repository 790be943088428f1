import { registry } from "@web/core/registry";
import { openPerformanceApp } from "./tour_steps";

/**
 * A manager scores the manual item of a subordinate's appraisal, saves and submits it.
 * The appraisal (employee "Alice", manual KPI "Weekly report quality") is built by
 * crm_performance/tests/test_tour.py. Steps are grouped by stage: the area manager scores and
 * submits, then the sales VP opens the same appraisal and gives the first review.
 */
const openAppraisal = [
    ...openPerformanceApp,
    {
        content: "Open the Appraisals menu",
        trigger: ".o_main_navbar a[data-menu-xmlid='crm_performance.crm_appraisal_menu']",
        run: "click",
    },
    {
        content: "Open Alice's March appraisal",
        trigger: ".o_list_view .o_data_row:contains('March 2025') td[name='employee_id']:contains('Alice')",
        run: "click",
    },
];

const scoreManualItem = [
    {
        content: "Select the manual KPI line",
        trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Weekly report quality') td[name='entry']",
        run: "click",
    },
    {
        content: "Enter the points",
        trigger: ".o_field_widget[name='line_ids'] .o_data_row.o_selected_row [name='entry'] input",
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

const submit = [
    {
        content: "Submit the appraisal to the sales VP",
        trigger: ".o_form_statusbar button:contains('Submit')",
        run: "click",
    },
    {
        content: "Add a comment",
        trigger: ".modal textarea",
        run: "edit Weekly reports on time",
    },
    {
        content: "Confirm",
        trigger: ".modal button[name='action_confirm']",
        run: "click",
    },
    {
        content: "The appraisal is submitted",
        trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
    },
];

/** The sales VP gives the first review: consolidate, then First Review. */
const firstReview = [
    {
        content: "Consolidate",
        trigger: ".o_form_statusbar button[name='action_consolidate']",
        run: "click",
    },
    {
        content: "Give the first review",
        trigger: ".o_form_statusbar button[name='action_first_review']",
        run: "click",
    },
    {
        content: "The first review is done",
        trigger: ".o_statusbar_status button.o_arrow_button_current:contains('First Review Done')",
    },
];

registry.category("web_tour.tours").add("crm_performance_manager_tour", {
    url: "/odoo",
    steps: () => [...openAppraisal, ...scoreManualItem, ...submit],
});

registry.category("web_tour.tours").add("crm_performance_vp_tour", {
    url: "/odoo",
    steps: () => [...openAppraisal, ...firstReview],
});

/** The area manager opens the team board, then a member's appraisal from it, and scores it. */
registry.category("web_tour.tours").add("crm_performance_team_board_tour", {
    url: "/odoo",
    steps: () => [
        ...openPerformanceApp,
        {
            content: "Open Reporting",
            trigger: ".o_main_navbar button[data-menu-xmlid='crm_performance.crm_performance_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the Team Board",
            trigger: ".dropdown-item[data-menu-xmlid='crm_performance.crm_performance_dashboard_menu_team']",
            run: "click",
        },
        {
            content: "Alice's won revenue: 40 % of the target",
            trigger: ".o_crm_team_board .o_crm_member[data-employee='Alice'] .o_crm_cell:contains('40%')",
        },
        {
            content: "The team's totals: 20,000 won of 100,000",
            trigger: ".o_crm_team_board .o_crm_team_row:contains('North'):contains('20%')",
        },
        {
            content: "Open Alice's appraisal",
            trigger: ".o_crm_member[data-employee='Alice'] .o_crm_member_total:contains('52.00')",
            run: "click",
        },
        ...scoreManualItem,
    ],
});
