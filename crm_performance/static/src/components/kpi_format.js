import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/**
 * How the numbers of a KPI line read: counts as integers, money with the company currency,
 * rates, days and hours with one decimal and their unit.
 */
function digitsOf(line) {
    if (line.measure_mode === "count" || line.is_money) {
        return 0;
    }
    return 1;
}

export function formatKpiValue(value, line, currency) {
    const number = formatFloat(value, { digits: [false, digitsOf(line)] });
    if (line.is_money && currency) {
        return currency.position === "before"
            ? `${currency.symbol} ${number}`
            : `${number} ${currency.symbol}`;
    }
    if (!line.unit) {
        return number;
    }
    return line.unit === "%" ? `${number}%` : `${number} ${line.unit}`;
}

export function formatPercent(value) {
    return `${formatFloat(value, { digits: [false, 0] })}%`;
}

export function formatScore(value) {
    return formatFloat(value, { digits: [false, 2] });
}

/** A share of the pay base, to the hundredth of a percent as the pay rule rounds it. */
export function formatPayShare(value) {
    return `${formatScore(value)}%`;
}

/** The forecast pay parts of the pay rule, each as a share of the pay base. */
export function payParts(pay) {
    return [
        { key: "base", label: _t("Base pay"), value: formatPayShare(pay.base) },
        { key: "completion", label: _t("Plan completion"), value: formatPayShare(pay.completion) },
        { key: "daily", label: _t("Daily work"), value: formatPayShare(pay.daily) },
        { key: "bonus", label: _t("Over-plan bonus"), value: formatPayShare(pay.bonus) },
    ];
}

/**
 * The gap to target in words: "21,000 to go" / "+79,000 ahead" when higher is better,
 * "2 days over target" / "0.5 days under target" when lower is better.
 * ``line.gap`` is positive while the target is not reached, whichever the direction.
 */
export function gapText(line, currency) {
    if (!line.target || !line.has_data) {
        return "";
    }
    const value = formatKpiValue(Math.abs(line.gap), line, currency);
    if (line.gap === 0) {
        return _t("On target");
    }
    if (line.direction === "lower") {
        return line.gap > 0
            ? _t("%(value)s over target", { value })
            : _t("%(value)s under target", { value });
    }
    return line.gap > 0 ? _t("%(value)s to go", { value }) : _t("+%(value)s ahead", { value });
}

export const STATUS = {
    reached: { label: _t("Target reached"), color: "success" },
    on_track: { label: _t("On track"), color: "info" },
    behind: { label: _t("Behind pace"), color: "warning" },
    no_target: { label: _t("No target"), color: "light" },
    no_data: { label: _t("No data"), color: "light" },
    entered: { label: _t("Entered"), color: "primary" },
    not_entered: { label: _t("Not entered"), color: "secondary" },
};

/** Where a KPI's forecast of the period's end stands against its target. */
export const FORECAST_STATUS = {
    on_track: { label: _t("On track"), color: "success" },
    at_risk: { label: _t("At risk"), color: "warning" },
    off_track: { label: _t("Off track"), color: "danger" },
};

/**
 * What a forecast is made of, in words: the actual so far and what the open opportunities
 * (weighted by their chance to close this month and their stage's win rate) and the deals
 * outside the pipeline, or the pace over the last month of working days, add.
 */
export function forecastParts(line, currency) {
    const forecast = line.forecast;
    const format = (value) => formatKpiValue(value, line, currency);
    if (forecast.method === "ratio") {
        return _t("From the forecast of its parts, %(count)s open opportunities counted", {
            count: forecast.opportunity_count,
        });
    }
    if (forecast.method === "pace") {
        if (!forecast.pace) {
            return _t("%(actual)s so far: no working day of the month left", {
                actual: format(forecast.actual),
            });
        }
        return _t("%(actual)s so far + %(pace)s in the working days left, at the pace of the last month", {
            actual: format(forecast.actual),
            pace: format(forecast.pace),
        });
    }
    if (forecast.method === "none") {
        return _t("The actual as it stands");
    }
    const arriving = forecast.arriving
        ? " " + _t("+ %(arriving)s from deals outside the pipeline, as in the last six months", {
              arriving: format(forecast.arriving),
          })
        : "";
    if (!forecast.opportunity_count) {
        return _t("%(actual)s so far: no open opportunity expected to close this month", {
            actual: format(forecast.actual),
        }) + arriving;
    }
    return _t("%(actual)s so far + %(pipeline)s expected from %(count)s open opportunities", {
        actual: format(forecast.actual),
        pipeline: format(forecast.pipeline),
        count: forecast.opportunity_count,
    }) + arriving;
}
