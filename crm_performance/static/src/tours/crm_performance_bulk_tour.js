import { registry } from "@web/core/registry";
import { openPerformanceApp } from "./tour_steps";

/**
 * HR opens the appraisals waiting for them, selects them all and approves them at once: the one
 * not reviewed yet is refused and listed with the reason (crm_performance/tests/test_queue.py).
 */
registry.category("web_tour.tours").add("crm_performance_bulk_approve_tour", {
    url: "/odoo",
    steps: () => [
        ...openPerformanceApp,
        {
            content: "The counter shows two appraisals waiting",
            trigger: ".o_crm_waiting_for_me .o_crm_waiting_count:contains('2')",
        },
        {
            content: "Open the Appraisals menu",
            trigger: ".o_main_navbar a[data-menu-xmlid='crm_performance.crm_appraisal_menu']",
            run: "click",
        },
        {
            content: "Waiting for Me is the default filter",
            trigger: ".o_searchview .o_facet_value:contains('Waiting for Me')",
        },
        {
            content: "Bob's appraisal is in the queue",
            trigger: ".o_list_view .o_data_row td[name='employee_id']:contains('Bob')",
        },
        {
            content: "Select every appraisal of the queue",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Approve the selection",
            trigger: "button[name='action_open_bulk_review']:contains('Approve')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "One approved",
            trigger: ".modal div[name='done_count']:contains('1')",
        },
        {
            content: "Bob's appraisal is refused, with the reason",
            trigger: ".modal .o_crm_bulk_refusals .o_data_row:contains('Bob'):contains('First Review Done')",
        },
        {
            content: "Close",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the queue",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
