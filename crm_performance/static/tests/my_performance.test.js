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
// the counter of appraisals waiting for the user, in the top bar
onRpc("crm.appraisal", "search_count", () => 3);
defineActions([
    { id: 12, name: "My Performance", tag: "crm_performance.my_performance", type: "ir.actions.client" },
]);

const line = (values) => ({
    measure_mode: "count",
    scoring_rule: "linear",
    direction: "higher",
    unit: "",
    is_money: false,
    weight: 20,
    target: 0,
    actual: 0,
    gap: 0,
    has_data: true,
    achievement: 0,
    pace: 0.5,
    score: 0,
    weighted_score: 0,
    max_points: 100,
    can_open: true,
    parts: [],
    ...values,
});

/** Alice's March as the server sends it: half the month gone. */
function march() {
    return {
        month: "2025-03-01",
        previous_month: "2025-02-01",
        next_month: "2025-04-01",
        employee: "Alice",
        currency: { symbol: "¥", position: "before" },
        appraisals: [
            {
                id: 7,
                name: "Alice – 2025-03 – Sales",
                plan: "Sales",
                state: "draft",
                state_label: "Draft",
                total_score: 76.87,
                grade: "B",
                rank: 1,
                rank_count: 2,
                previous_total: 79.5,
                pace: 0.5,
                lines: [
                    line({
                        id: 1, name: "Won revenue", measure_mode: "sum", is_money: true, weight: 70,
                        target: 100000, actual: 179000, gap: -79000, achievement: 179, score: 120,
                        weighted_score: 84, status: "reached",
                    }),
                    line({
                        id: 2, name: "Won deals", target: 40, actual: 19, gap: 21, achievement: 47.5,
                        score: 47.5, weighted_score: 9.5, status: "behind",
                    }),
                    line({
                        id: 3, name: "Average days to close", measure_mode: "average",
                        direction: "lower", unit: "days", target: 12, actual: 14.25, gap: 2.25,
                        achievement: 84.21, pace: 1, score: 84.21, weighted_score: 16.84,
                        status: "behind",
                    }),
                    line({
                        id: 4, name: "Weekly reports", measure_mode: "manual", scoring_rule: "manual",
                        has_data: false, max_points: 10, can_open: false, weight: 10,
                        status: "not_entered",
                    }),
                ],
                trend: [
                    { month: "2025-02-01", total_score: 79.5 },
                    { month: "2025-03-01", total_score: 76.87 },
                ],
            },
        ],
    };
}

test("the month at a glance, gaps worded by direction", async () => {
    onRpc("get_my_performance", ({ kwargs }) => {
        expect.step(`month ${kwargs.month}`);
        return march();
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(12);
    expect.verifySteps(["month null"]);
    expect(".o_crm_waiting_for_me .o_crm_waiting_count").toHaveText("3");

    expect(".o_crm_total_value").toHaveText("76.87");
    expect(".o_crm_grade").toHaveText("B");
    expect(".o_crm_rank").toHaveText("1 / 2");
    expect(".o_crm_change").toHaveText("−2.63");

    const revenue = ".o_crm_kpi[data-kpi='Won revenue']";
    expect(`${revenue} .o_crm_kpi_actual`).toHaveText("¥ 179,000");
    expect(`${revenue} .o_crm_kpi_gap`).toHaveText("+¥ 79,000 ahead");
    expect(`${revenue} .o_crm_kpi_status`).toHaveClass("text-bg-success");
    expect(`${revenue} .progress-bar`).toHaveStyle({ width: /100%|\d+px/ });

    const deals = ".o_crm_kpi[data-kpi='Won deals']";
    expect(`${deals} .o_crm_kpi_actual`).toHaveText("19");
    expect(`${deals} .o_crm_kpi_gap`).toHaveText("21 to go");
    expect(`${deals} .o_crm_kpi_status`).toHaveText("Behind pace");
    expect(`${deals} .o_crm_pace`).toHaveAttribute("title", "Expected by today: 20");

    const days = ".o_crm_kpi[data-kpi='Average days to close']";
    expect(`${days} .o_crm_kpi_gap`).toHaveText("2.3 days over target");
    expect(`${days} .o_crm_pace`).toHaveCount(0);

    const reports = ".o_crm_kpi[data-kpi='Weekly reports']";
    expect(`${reports} .o_crm_kpi_status`).toHaveText("Not entered");
    expect(`${reports} .o_crm_kpi_open`).toHaveCount(0);
    expect(`${reports} .progress`).toHaveCount(0);
});

test("previous month and drill-down", async () => {
    onRpc("get_my_performance", ({ kwargs }) => {
        expect.step(`month ${kwargs.month}`);
        return march();
    });
    onRpc("action_open_records", ({ args }) => {
        expect.step(`records of line ${args[0]} ${args[1]}`);
        return { type: "ir.actions.act_window_close" };
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(12);
    await contains(".o_crm_month_prev").click();
    await contains(".o_crm_kpi[data-kpi='Won deals'] .o_crm_kpi_open").click();
    expect.verifySteps(["month null", "month 2025-02-01", "records of line 2 numerator"]);
});

test("a ratio opens its numerator's and its denominator's records", async () => {
    const data = march();
    data.appraisals[0].lines.push(
        line({
            id: 9,
            name: "Conversion rate",
            measure_mode: "ratio",
            unit: "%",
            target: 50,
            actual: 60,
            achievement: 120,
            status: "reached",
            parts: [
                { part: "numerator", label: "Won deals" },
                { part: "denominator", label: "Closed deals" },
            ],
        })
    );
    onRpc("get_my_performance", () => data);
    onRpc("action_open_records", ({ args }) => {
        expect.step(`records of line ${args[0]} ${args[1]}`);
        return { type: "ir.actions.act_window_close" };
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(12);
    const ratio = ".o_crm_kpi[data-kpi='Conversion rate']";
    expect(`${ratio} .o_crm_kpi_open`).toHaveCount(2);
    expect(`${ratio} .o_crm_kpi_open_numerator`).toHaveText("Won deals");
    expect(`${ratio} .o_crm_kpi_open_denominator`).toHaveText("Closed deals");
    await contains(`${ratio} .o_crm_kpi_open_denominator`).click();
    await contains(`${ratio} .o_crm_kpi_open_numerator`).click();
    expect.verifySteps(["records of line 9 denominator", "records of line 9 numerator"]);
});

test("forecast of the month's end: marker, parts, state and the opportunities counted", async () => {
    onRpc("get_my_performance", () => {
        const data = march();
        const [appraisal] = data.appraisals;
        appraisal.forecast = { total_score: 99.5, grade: "A" };
        appraisal.lines[1].forecast = {
            method: "won", value: 35, actual: 19, pipeline: 16, pace: 0, opportunity_count: 3,
            achievement: 87.5, score: 87.5, status: "at_risk",
        };
        appraisal.lines[2].forecast = {
            method: "none", value: 14.25, actual: 14.25, pipeline: 0, pace: 0, opportunity_count: 0,
            achievement: 84.21, score: 84.21, status: null,
        };
        return data;
    });
    onRpc("action_open_forecast", ({ args }) => {
        expect.step(`forecast of line ${args[0]}`);
        return { type: "ir.actions.act_window_close" };
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(12);
    expect(".o_crm_total_forecast").toHaveText("Forecast 99.50 · A");
    const deals = ".o_crm_kpi[data-kpi='Won deals']";
    expect(`${deals} .o_crm_forecast_value`).toHaveText("35");
    expect(`${deals} .o_crm_forecast_status`).toHaveText("At risk");
    expect(`${deals} .o_crm_forecast_marker`).toHaveClass("bg-warning");
    expect(`${deals} .o_crm_forecast_text`).toHaveText("19 so far + 16 expected from 3 open opportunities");
    const days = ".o_crm_kpi[data-kpi='Average days to close']";
    expect(`${days} .o_crm_forecast_marker`).toHaveCount(0);
    expect(`${days} .o_crm_forecast_open`).toHaveCount(0);
    expect(".o_crm_kpi[data-kpi='Won revenue'] .o_crm_forecast").toHaveCount(0);
    await contains(`${deals} .o_crm_forecast_open`).click();
    expect.verifySteps(["forecast of line 2"]);
});

test("forecast pay: the pay rule's parts as shares of the pay base, deals outside the pipeline", async () => {
    onRpc("get_my_performance", () => {
        const data = march();
        const [appraisal] = data.appraisals;
        appraisal.forecast = {
            total_score: 99.5,
            grade: "A",
            completion_rate: 90,
            pay: { base: 50, completion: 31.5, daily: 14.93, bonus: 0, total: 96.43 },
        };
        appraisal.lines[1].forecast = {
            method: "won", value: 37, actual: 19, pipeline: 16, arriving: 2, pace: 0, opportunity_count: 3,
            achievement: 92.5, score: 92.5, status: "at_risk",
        };
        return data;
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction(12);
    expect(".o_crm_forecast_pay_total").toHaveText("96.43%");
    expect(".o_crm_forecast_pay_parts [data-part='base']").toHaveText("Base pay 50.00%");
    expect(".o_crm_forecast_pay_parts [data-part='completion']").toHaveText("Plan completion 31.50%");
    expect(".o_crm_forecast_pay_parts [data-part='daily']").toHaveText("Daily work 14.93%");
    expect(".o_crm_forecast_pay_parts [data-part='bonus']").toHaveText("Over-plan bonus 0.00%");
    expect(".o_crm_forecast_pay_note").toHaveText(
        "The pay rule on the forecast total and plan completion (90%); HR applies it to your pay base."
    );
    expect(".o_crm_kpi[data-kpi='Won deals'] .o_crm_forecast_text").toHaveText(
        "19 so far + 16 expected from 3 open opportunities + 2 from deals outside the pipeline, as in the last six months"
    );
});
