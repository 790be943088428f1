import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { parseFloat } from "@web/views/fields/parsers";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useState } from "@odoo/owl";

import { formatKpiValue } from "../components/kpi_format";

/**
 * Set Targets: the employees × measured KPIs of a plan for a month, each cell a target in the
 * KPI's unit; an empty cell means the plan's default target applies (shown as placeholder).
 * Columns are totalled only when their targets add up (counts and amounts), never across KPIs.
 * From ``crm.kpi.target.grid.get_grid``; saved in one call of ``save_grid`` (all or nothing).
 */
export class TargetGrid extends Component {
    static template = "crm_performance.TargetGrid";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ data: null, drafts: {}, saving: false });
        onWillStart(() => this.load());
    }

    async load(periodId = null, planId = null) {
        this.state.data = await this.orm.call("crm.kpi.target.grid", "get_grid", [], {
            period_id: periodId || this.state.data?.period_id || null,
            plan_id: planId || this.state.data?.plan_id || null,
        });
        this.state.drafts = {};
    }

    key(row, column) {
        return `${row.employee_id}-${column.kpi_id}`;
    }

    get changedCount() {
        return Object.keys(this.state.drafts).length;
    }

    get dirty() {
        return this.changedCount > 0;
    }

    get invalid() {
        return Object.values(this.state.drafts).some((draft) => draft.error);
    }

    /** What the input shows: the text being typed, else the target set (empty: the default). */
    text(row, column) {
        const draft = this.state.drafts[this.key(row, column)];
        if (draft) {
            return draft.text;
        }
        const value = row.cells[column.kpi_id];
        return value === null || value === undefined ? "" : this.number(value, column);
    }

    number(value, column) {
        const digits = column.measure_mode === "count" || column.is_money ? 0 : 2;
        return formatFloat(value, { digits: [false, digits], trailingZeros: false });
    }

    placeholder(column) {
        return column.default ? this.number(column.default, column) : "";
    }

    isInvalid(row, column) {
        return Boolean(this.state.drafts[this.key(row, column)]?.error);
    }

    isChanged(row, column) {
        return this.key(row, column) in this.state.drafts;
    }

    onInput(row, column, ev) {
        const text = ev.target.value.trim();
        const saved = row.cells[column.kpi_id] ?? null;
        let value = null;
        let error = "";
        if (text) {
            try {
                value = parseFloat(text);
            } catch {
                error = _t("Not a number");
            }
            if (!error && !(value > 0)) {
                error = _t("A target must be greater than 0");
            }
        }
        const key = this.key(row, column);
        if (!error && value === saved) {
            delete this.state.drafts[key];
        } else {
            this.state.drafts[key] = { text, value, error, employee_id: row.employee_id, kpi_id: column.kpi_id };
        }
    }

    /** The target that counts for a cell: typed, set, or the plan's default. */
    effective(row, column) {
        const draft = this.state.drafts[this.key(row, column)];
        if (draft && !draft.error) {
            return draft.value ?? column.default;
        }
        return row.cells[column.kpi_id] ?? column.default;
    }

    total(column) {
        const sum = this.state.data.rows.reduce((total, row) => total + (this.effective(row, column) || 0), 0);
        return formatKpiValue(sum, column, this.state.data.currency);
    }

    unitLabel(column) {
        if (column.is_money) {
            return this.state.data.currency.symbol;
        }
        return column.unit;
    }

    async save() {
        this.state.saving = true;
        try {
            const cells = Object.values(this.state.drafts).map(({ employee_id, kpi_id, value }) => ({
                employee_id,
                kpi_id,
                value,
            }));
            this.state.data = await this.orm.call("crm.kpi.target.grid", "save_grid", [
                this.state.data.period_id,
                this.state.data.plan_id,
                cells,
            ]);
            this.state.drafts = {};
            this.notification.add(_t("Targets saved"), { type: "success" });
        } finally {
            this.state.saving = false;
        }
    }

    discard() {
        this.state.drafts = {};
    }

    changePeriod(ev) {
        return this.load(Number(ev.target.value));
    }

    changePlan(ev) {
        return this.load(null, Number(ev.target.value));
    }
}

registry.category("actions").add("crm_performance.target_grid", TargetGrid);
