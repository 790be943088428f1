import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import {
    contains,
    defineActions,
    getService,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";

describe.current.tags("desktop");
defineMailModels();
onRpc("crm.appraisal", "search_count", () => 0);
defineActions([{ id: 13, name: "Set Targets", tag: "crm_performance.target_grid", type: "ir.actions.client" }]);

/** March for plan "Sales": Alice has her own revenue target, Bob none (the default applies). */
function grid(aliceRevenue = 40000) {
    return {
        periods: [{ id: 3, name: "March 2025" }],
        period_id: 3,
        plans: [{ id: 1, name: "Sales" }],
        plan_id: 1,
        currency: { symbol: "¥", position: "before" },
        columns: [
            { kpi_id: 10, name: "Won revenue", measure_mode: "sum", unit: "", is_money: true, direction: "higher", default: 50000, summable: true },
            { kpi_id: 11, name: "Days to close", measure_mode: "average", unit: "days", is_money: false, direction: "lower", default: 12, summable: false },
        ],
        rows: [
            { employee_id: 21, name: "Alice", department: "", cells: { 10: aliceRevenue, 11: null } },
            { employee_id: 22, name: "Bob", department: "", cells: { 10: null, 11: null } },
        ],
    };
}

test("a grid of employees × KPIs, each column in its unit, totalled only when it adds up", async () => {
    onRpc("get_grid", () => grid());
    onRpc("save_grid", ({ args }) => {
        expect.step(JSON.stringify(args));
        return grid(45000);
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(13);

    expect(".o_crm_grid_head[data-kpi='Won revenue'] .o_crm_grid_unit").toHaveText("¥");
    expect(".o_crm_grid_head[data-kpi='Days to close']").toHaveText(/days · lower is better/);
    const alice = "tr[data-employee='Alice']";
    const bob = "tr[data-employee='Bob']";
    expect(`${alice} .o_crm_grid_cell[data-kpi='Won revenue']`).toHaveValue("40,000");
    expect(`${bob} .o_crm_grid_cell[data-kpi='Won revenue']`).toHaveValue("");
    expect(`${bob} .o_crm_grid_cell[data-kpi='Won revenue']`).toHaveAttribute("placeholder", "50,000");
    // 40 000 (Alice's) + 50 000 (Bob's default); days do not add up
    expect(".o_crm_grid_total td:nth-child(2)").toHaveText("¥ 90,000");
    expect(".o_crm_grid_total td:nth-child(3)").toHaveText("–");
    expect(".o_crm_grid_save").not.toBeEnabled();

    await contains(`${alice} .o_crm_grid_cell[data-kpi='Won revenue']`).edit("0");
    expect(`${alice} .o_crm_grid_cell[data-kpi='Won revenue']`).toHaveClass("is-invalid");
    expect(".o_crm_grid_save").not.toBeEnabled();

    await contains(`${alice} .o_crm_grid_cell[data-kpi='Won revenue']`).edit("45000");
    await contains(`${bob} .o_crm_grid_cell[data-kpi='Days to close']`).edit("10");
    expect(".o_crm_grid_total td:nth-child(2)").toHaveText("¥ 95,000");
    await contains(".o_crm_grid_save").click();
    expect.verifySteps([
        JSON.stringify([
            3,
            1,
            [
                { employee_id: 21, kpi_id: 10, value: 45000 },
                { employee_id: 22, kpi_id: 11, value: 10 },
            ],
        ]),
    ]);
    expect(`${alice} .o_crm_grid_cell[data-kpi='Won revenue']`).toHaveValue("45,000");
    expect(".o_crm_grid_save").not.toBeEnabled();
});
