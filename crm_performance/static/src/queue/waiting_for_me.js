import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useBus, useService } from "@web/core/utils/hooks";
import { Component, onWillStart, status, useState } from "@odoo/owl";

/**
 * The counter of appraisals waiting for the current user (next step theirs), in the top menu
 * bar: refreshed as the user moves between screens; a click opens the queue.
 */
export class WaitingForMe extends Component {
    static template = "crm_performance.WaitingForMe";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ count: 0 });
        onWillStart(async () => {
            this.allowed = await user.hasGroup("crm_performance.crm_performance_group_user");
            await this.refresh();
        });
        useBus(this.env.bus, "ACTION_MANAGER:UI-UPDATED", () => this.refresh());
    }

    async refresh() {
        // the navbar may replace its systray items while one is still loading
        if (this.allowed && status(this) !== "destroyed") {
            this.state.count = await this.orm.searchCount("crm.appraisal", [["waiting_for_me", "=", true]]);
        }
    }

    open() {
        this.actionService.doAction("crm_performance.crm_appraisal_action");
    }
}

registry.category("systray").add("crm_performance.waiting_for_me", { Component: WaitingForMe }, { sequence: 40 });
