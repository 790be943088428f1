import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useState } from "@odoo/owl";

import {
    FORECAST_STATUS,
    STATUS,
    forecastParts,
    formatKpiValue,
    formatPayShare,
    formatPercent,
    formatScore,
    payParts,
} from "../components/kpi_format";
import { MonthNav } from "../components/month_nav";

/** Heat of an achievement (or of the score of an entered item), in four steps. */
function heat(value) {
    if (value === null || value === undefined) {
        return "o_crm_heat_none";
    }
    if (value >= 100) {
        return "o_crm_heat_4";
    }
    if (value >= 80) {
        return "o_crm_heat_3";
    }
    return value >= 50 ? "o_crm_heat_2" : "o_crm_heat_1";
}

/**
 * Team Board: the month's appraisals of one plan that the manager (or the VP) may see, members ×
 * KPIs as a heat-map of achievement, sortable, with each team's totals side by side. From one
 * call of ``crm.performance.dashboard.get_team_board``.
 */
export class TeamBoard extends Component {
    static template = "crm_performance.TeamBoard";
    static components = { MonthNav };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null, sortKey: "total_score", ascending: false });
        onWillStart(() => this.load());
    }

    async load(month = null, planId = null) {
        this.state.data = await this.orm.call("crm.performance.dashboard", "get_team_board", [], {
            month: month || this.state.data?.month || null,
            plan_id: planId || this.state.data?.plan_id || null,
        });
    }

    changeMonth(month) {
        return this.load(month);
    }

    sortBy(key) {
        if (this.state.sortKey === key) {
            this.state.ascending = !this.state.ascending;
        } else {
            this.state.sortKey = key;
            this.state.ascending = key === "employee";
        }
    }

    sortValue(member) {
        const key = this.state.sortKey;
        if (key === "employee" || key === "total_score") {
            return member[key];
        }
        const line = member.lines[key];
        return line ? this.cellValue(line) ?? -1 : -1;
    }

    get hasForecast() {
        return this.state.data.members.some((member) => typeof member.forecast_total === "number");
    }

    get members() {
        const direction = this.state.ascending ? 1 : -1;
        return [...this.state.data.members].sort((a, b) => {
            const [x, y] = [this.sortValue(a), this.sortValue(b)];
            return (x > y ? 1 : x < y ? -1 : 0) * direction;
        });
    }

    sortIcon(key) {
        if (this.state.sortKey !== key) {
            return "";
        }
        return this.state.ascending ? "fa fa-caret-up" : "fa fa-caret-down";
    }

    /** What a cell shows: achievement of a measured KPI, score of an entered item. */
    cellValue(line) {
        if (line.status === "entered") {
            return line.score;
        }
        return ["reached", "on_track", "behind"].includes(line.status) ? line.achievement : null;
    }

    cellClass(line) {
        return line ? heat(this.cellValue(line)) : "o_crm_heat_none";
    }

    cellText(line) {
        if (!line) {
            return "";
        }
        const value = this.cellValue(line);
        if (value === null) {
            return STATUS[line.status].label;
        }
        return formatPercent(value);
    }

    cellTitle(line) {
        if (!line || line.status === "not_entered" || line.status === "entered") {
            return "";
        }
        const currency = this.state.data.currency;
        const title = `${formatKpiValue(line.actual, line, currency)} / ${formatKpiValue(line.target, line, currency)}`;
        if (!line.forecast) {
            return title;
        }
        const forecast = _t("Forecast: %(value)s", { value: formatKpiValue(line.forecast.value, line, currency) });
        return `${title}\n${forecast}\n${forecastParts(line, currency)}`;
    }

    /** The forecast marker of a cell: the achievement forecast at the month's end and its state. */
    forecast(line) {
        if (!line?.forecast?.status) {
            return null;
        }
        return {
            text: formatPercent(line.forecast.achievement),
            ...FORECAST_STATUS[line.forecast.status],
        };
    }

    payShare(value) {
        return formatPayShare(value);
    }

    /** The forecast pay parts of a member, one per line. */
    payTitle(member) {
        if (!member.forecast_pay) {
            return "";
        }
        return payParts(member.forecast_pay)
            .map((part) => `${part.label}: ${part.value}`)
            .join("\n");
    }

    teamClass(value) {
        return heat(value);
    }

    teamText(value) {
        return value === null || value === undefined ? "–" : formatPercent(value);
    }

    score(value) {
        return formatScore(value);
    }

    openAppraisal(member) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.appraisal",
            res_id: member.id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("crm_performance.team_board", TeamBoard);
