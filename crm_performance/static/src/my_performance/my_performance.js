import { _t } from "@web/core/l10n/translation";
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";

import {
    FORECAST_STATUS,
    STATUS,
    forecastParts,
    formatKpiValue,
    formatPayShare,
    formatPercent,
    formatScore,
    gapText,
    payParts,
} from "../components/kpi_format";
import { MonthNav } from "../components/month_nav";

const { DateTime } = luxon;

/**
 * My Performance: the salesperson's month at a glance. Every figure comes from one call of
 * ``crm.performance.dashboard.get_my_performance``, which returns the caller's own appraisals.
 */
export class MyPerformance extends Component {
    static template = "crm_performance.MyPerformance";
    static components = { MonthNav };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null, index: 0 });
        this.canvasRef = useRef("trend");
        this.chart = null;
        onWillStart(() =>
            Promise.all([loadBundle("web.chartjs_lib"), this.load(this.props.action.context?.month)])
        );
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.appraisal]
        );
    }

    async load(month) {
        this.state.data = await this.orm.call("crm.performance.dashboard", "get_my_performance", [], {
            month: month || null,
        });
        this.state.index = 0;
    }

    get appraisal() {
        return this.state.data?.appraisals[this.state.index] || null;
    }

    get change() {
        const { previous_total, total_score } = this.appraisal;
        if (previous_total === null) {
            return null;
        }
        const delta = total_score - previous_total;
        return {
            text: `${delta >= 0 ? "+" : "−"}${formatScore(Math.abs(delta))}`,
            icon: delta >= 0 ? "fa-arrow-up" : "fa-arrow-down",
        };
    }

    status(line) {
        return STATUS[line.status];
    }

    value(value, line) {
        return formatKpiValue(value, line, this.state.data.currency);
    }

    gap(line) {
        return gapText(line, this.state.data.currency);
    }

    percent(value) {
        return formatPercent(value);
    }

    score(value) {
        return formatScore(value);
    }

    payShare(value) {
        return formatPayShare(value);
    }

    payParts(pay) {
        return payParts(pay);
    }

    payNote(forecast) {
        return _t(
            "The pay rule on the forecast total and plan completion (%(completion)s); HR applies it to your pay base.",
            { completion: formatPercent(forecast.completion_rate) }
        );
    }

    barWidth(line) {
        const ratio = line.measure_mode === "manual" || line.measure_mode === "deduction"
            ? line.score
            : line.achievement;
        return Math.min(Math.max(ratio, 0), 100);
    }

    /** The pace marker: where the bar should be today, for KPIs that add up over the month. */
    showPace(line) {
        return ["reached", "on_track", "behind"].includes(line.status) && line.pace > 0 && line.pace < 1;
    }

    forecastStatus(line) {
        return FORECAST_STATUS[line.forecast.status];
    }

    forecastParts(line) {
        return forecastParts(line, this.state.data.currency);
    }

    /** The forecast marker: where the bar will be at the period's end. */
    forecastLeft(line) {
        return Math.min(Math.max(line.forecast.achievement, 0), 100);
    }

    forecastTitle(line) {
        return _t("Forecast at the end of the month: %(value)s", { value: this.value(line.forecast.value, line) });
    }

    expected(line) {
        return _t("Expected by today: %(value)s", { value: this.value(line.target * line.pace, line) });
    }

    renderChart() {
        if (!this.appraisal || !this.canvasRef.el) {
            return;
        }
        const trend = this.appraisal.trend;
        this.chart = new Chart(this.canvasRef.el, {
            type: "line",
            data: {
                labels: trend.map((point) =>
                    DateTime.fromISO(point.month).toLocaleString({ year: "2-digit", month: "short" })
                ),
                datasets: [
                    {
                        label: _t("Total score"),
                        data: trend.map((point) => point.total_score),
                        borderColor: "#017e84",
                        backgroundColor: "#017e84",
                        spanGaps: false,
                        tension: 0.2,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { display: false } },
                scales: { y: { beginAtZero: true, suggestedMax: 100 } },
            },
        });
    }

    async openRecords(line, part = "numerator") {
        const action = await this.orm.call("crm.appraisal.line", "action_open_records", [[line.id], part]);
        await this.actionService.doAction(action);
    }

    async openForecast(line) {
        const action = await this.orm.call("crm.appraisal.line", "action_open_forecast", [[line.id]]);
        await this.actionService.doAction(action);
    }

    async openAppraisal() {
        await this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.appraisal",
            res_id: this.appraisal.id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("crm_performance.my_performance", MyPerformance);
