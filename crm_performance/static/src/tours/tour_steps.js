import { stepUtils } from "@web_tour/tour_utils";

/** From the home menu into the Performance app. */
export const openPerformanceApp = [
    stepUtils.showAppsMenuItem(),
    {
        content: "Open the Performance app",
        trigger: ".o_app[data-menu-xmlid='crm_performance.crm_performance_menu_root']",
        run: "click",
    },
];
