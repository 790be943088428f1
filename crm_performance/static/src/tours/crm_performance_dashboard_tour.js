import { registry } from "@web/core/registry";

/**
 * A salesperson logs in and lands on My Performance: this month's total, grade and rank, a KPI
 * with its gap worded as a distance to go, then the records behind it. The month is built by
 * crm_performance/tests/test_tour.py (Alice: 20,000 won in 10 days this month).
 */
const revenue = ".o_crm_kpi[data-kpi='Won revenue']";
const days = ".o_crm_kpi[data-kpi='Average days to close']";

registry.category("web_tour.tours").add("crm_performance_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The home page is My Performance, with the month's total",
            trigger: ".o_crm_my_performance .o_crm_total_value:contains('52.00')",
        },
        {
            content: "Grade and rank in the team",
            trigger: ".o_crm_grade:contains('D'), .o_crm_rank:contains('1 / 2')",
        },
        {
            content: "Won revenue: actual against target, gap to go",
            trigger: `${revenue} .o_crm_kpi_actual:contains('20,000') , ${revenue} .o_crm_kpi_gap:contains('30,000 to go')`,
        },
        {
            content: "Won revenue: score and weighted score as on the appraisal",
            trigger: `${revenue} .o_crm_kpi_score:contains('40.00'), ${revenue} .o_crm_kpi_weighted:contains('28.00')`,
        },
        {
            content: "Days to close, lower is better: under target and reached",
            trigger: `${days}[data-status='reached'] .o_crm_kpi_gap:contains('2.0 days under target')`,
        },
        {
            content: "Open the records behind the won revenue",
            trigger: `${revenue} .o_crm_kpi_open`,
            run: "click",
        },
        {
            content: "The won opportunity counted",
            trigger: ".o_list_view .o_data_row:contains('perf_alice 20000')",
        },
    ],
});
