"""Where a month is heading: the forecast of each KPI line at the period's end, from plain figures.

- **Pipeline** (won deals, won revenue, lost and closed deals): the open opportunities of the
  salesperson whose expected closing falls in the period, each weighted by the win rate of its
  stage observed on the deals closed over the previous months. As Odoo's CRM counts it for its
  predictive scoring, a won deal passed through every stage and a lost one through the stages up
  to the one it was lost in: the win rate of a stage is won ÷ (won + lost that reached it). The
  salesperson's own rate counts once ``MIN_HISTORY`` closed deals reached the stage, else the
  team's, else the company's, else the opportunity's own probability.
- **Pace** (activities, meetings, customers...): the actual so far at the salesperson's own pace
  of working days (Monday to Friday): actual ÷ working days elapsed × working days of the period.
- **Ratios**: the forecast numerator ÷ the forecast denominator. Anything else (averages,
  growths): the actual as it stands.
"""

import dataclasses
from collections import defaultdict
from datetime import timedelta

from . import score

MIN_HISTORY = 5
PIPELINE_METHODS = ("won", "lost", "closed")
# forecast achievement (%) below the line's alert threshold, or this one when it has none, is
# off track; between it and 100 % at risk
AT_RISK_FROM = 80.0


@dataclasses.dataclass(frozen=True)
class Opportunity:
    """An open opportunity expected to close in the period."""

    id: int
    user_id: int
    team_id: int
    stage_sequence: int
    probability: float
    amounts: dict  # {field name: value} of the fields the pipeline KPIs sum


@dataclasses.dataclass(frozen=True)
class ClosedDeals:
    """``count`` deals of a salesperson and team closed (won or lost) in a stage."""

    user_id: int
    team_id: int
    stage_sequence: int
    won: bool
    count: int


class WinRates:
    """Stage win rates observed on closed deals, per salesperson, team and company."""

    def __init__(self, closed_deals):
        self._won = defaultdict(int)  # scope key -> won deals
        self._lost = defaultdict(lambda: defaultdict(int))  # scope key -> {stage sequence: lost}
        for deals in closed_deals:
            for key in (("user", deals.user_id), ("team", deals.team_id), ("company", None)):
                if deals.won:
                    self._won[key] += deals.count
                else:
                    self._lost[key][deals.stage_sequence] += deals.count

    def _observed(self, key, sequence):
        won = self._won.get(key, 0)
        lost = sum(count for seq, count in self._lost.get(key, {}).items() if seq >= sequence)
        return won, won + lost

    def rate(self, user_id, team_id, sequence, probability):
        """(win rate 0..1, where it comes from: "salesperson", "team", "company", "stage")."""
        for source, key, minimum in (
            ("salesperson", ("user", user_id), MIN_HISTORY),
            ("team", ("team", team_id), MIN_HISTORY),
            ("company", ("company", None), 1),
        ):
            if source == "team" and not team_id:
                continue
            won, reached = self._observed(key, sequence)
            if reached >= minimum:
                return won / reached, source
        return probability / 100.0, "stage"


def expected(opportunities, rates, method, field=None):
    """``{user id: (expected value, [opportunity ids])}`` the open ``opportunities`` add to a
    pipeline KPI by the period's end: won (win rate), lost (1 − win rate) or closed (all), each
    counted once (``field`` None) or for its ``field`` amount."""
    result = defaultdict(lambda: [0.0, []])
    for opportunity in opportunities:
        win, _source = rates.rate(
            opportunity.user_id, opportunity.team_id, opportunity.stage_sequence, opportunity.probability
        )
        share = {"won": win, "lost": 1.0 - win, "closed": 1.0}[method]
        value = opportunity.amounts.get(field, 0.0) if field else 1.0
        entry = result[opportunity.user_id]
        entry[0] += share * value
        entry[1].append(opportunity.id)
    return {user_id: (value, ids) for user_id, (value, ids) in result.items()}


def working_days(date_from, date_to):
    """Monday to Friday days from ``date_from`` to ``date_to`` included (0 when empty)."""
    days = (date_to - date_from).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    extra = sum(1 for n in range(rest) if (date_from + timedelta(days=n)).weekday() < 5)
    return weeks * 5 + extra


def pace_factor(date_from, date_to, today):
    """Working days of the period ÷ working days elapsed by ``today`` (included); 1 once the
    period is over, and before its first working day."""
    if today >= date_to:
        return 1.0
    elapsed = working_days(date_from, today)
    return working_days(date_from, date_to) / elapsed if elapsed else 1.0


@dataclasses.dataclass(frozen=True)
class LineForecast:
    """The forecast of a line and its parts: ``actual`` so far, what the ``pipeline`` adds (the
    opportunities counted), what the ``pace`` adds."""

    method: str
    actual: float | None
    forecast: float | None
    pipeline: float = 0.0
    pace: float = 0.0
    opportunity_ids: tuple = ()


def forecast_source(method, actual, pipeline=None, factor=1.0):
    """Forecast of a count or sum: ``pipeline`` = (expected, ids) for pipeline methods, the pace
    ``factor`` for "pace"; the actual as it stands otherwise."""
    value = actual or 0.0
    if method in PIPELINE_METHODS:
        added, ids = pipeline or (0.0, [])
        return LineForecast(method, actual, value + added, pipeline=added, opportunity_ids=tuple(ids))
    if method == "pace":
        return LineForecast(method, actual, value * factor, pace=value * factor - value)
    return LineForecast("none", actual, actual)


def forecast_ratio(actual, numerator, denominator):
    """A ratio (%) from the forecasts of its numerator and denominator; the opportunities of both."""
    if not denominator.forecast:
        return LineForecast("ratio", actual, actual)
    ids = tuple(dict.fromkeys(numerator.opportunity_ids + denominator.opportunity_ids))
    value = 100.0 * (numerator.forecast or 0.0) / denominator.forecast
    return LineForecast(
        "ratio", actual, value, pipeline=numerator.pipeline, pace=numerator.pace, opportunity_ids=ids
    )


@dataclasses.dataclass(frozen=True)
class KpiSpec:
    """How a KPI is forecast: ``method`` (a pipeline method, "pace", "none", or "ratio" with its
    ``numerator`` and ``denominator`` specs); ``field`` the amount a pipeline sum adds."""

    id: int
    method: str
    field: str | None = None
    numerator: "KpiSpec | None" = None
    denominator: "KpiSpec | None" = None

    def parts(self):
        """The source KPIs measured to forecast this one."""
        return (self.numerator, self.denominator) if self.method == "ratio" else (self,)


def pipeline_expectations(specs, opportunities, rates):
    """``{kpi id: {user id: (expected, [opportunity ids])}}`` of the pipeline KPIs among ``specs``
    and their parts."""
    sources = {part.id: part for spec in specs for part in spec.parts()}
    return {
        part.id: expected(opportunities, rates, part.method, part.field)
        for part in sources.values()
        if part.method in PIPELINE_METHODS
    }


def forecast_kpi(spec, user_id, actual, measured, expectations, factor):
    """The ``LineForecast`` of ``spec`` for a salesperson: ``actual`` so far (None: no data),
    ``measured`` ``{kpi id: {user id: value}}`` of a ratio's parts so far, ``expectations`` from
    ``pipeline_expectations``, ``factor`` from ``pace_factor``."""

    def source(part, value):
        return forecast_source(part.method, value, expectations.get(part.id, {}).get(user_id), factor)

    if spec.method == "ratio":
        return forecast_ratio(
            actual,
            source(spec.numerator, measured[spec.numerator.id].get(user_id)),
            source(spec.denominator, measured[spec.denominator.id].get(user_id)),
        )
    return source(spec, actual)


def status(achievement, has_target, threshold):
    """ "on_track" when the forecast reaches the target, "at_risk" from the alert threshold (or
    ``AT_RISK_FROM``), "off_track" below it; None without a target."""
    if not has_target:
        return None
    if achievement >= 100.0:
        return "on_track"
    return "at_risk" if achievement >= (threshold or AT_RISK_FROM) else "off_track"


def score_forecast(line_inputs, forecasts, bands, stored=float):
    """Score the forecast of an appraisal: ``line_inputs`` as ``score.score_appraisal`` takes
    them (the stored actuals), ``forecasts`` the ``LineForecast`` of each measured line (None
    for entered items, which count as entered). Returns the lines' forecast result values and
    the forecast totals."""
    projected = [
        (rule, forecast.forecast if forecast else actual, target, points, occurrences, entered)
        for (rule, actual, target, points, occurrences, entered), forecast in zip(
            line_inputs, forecasts, strict=True
        )
    ]
    return score.score_appraisal(projected, bands, stored)
