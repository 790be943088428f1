import { Component } from "@odoo/owl";

const { DateTime } = luxon;

/** Previous / next month buttons around the month shown (no month after the current one). */
export class MonthNav extends Component {
    static template = "crm_performance.MonthNav";
    static props = { data: Object, onChange: Function };

    get label() {
        return DateTime.fromISO(this.props.data.month).toLocaleString({ year: "numeric", month: "long" });
    }
}
