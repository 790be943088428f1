"""Where a month is heading: the forecast of each KPI line at the period's end, from plain figures.

- **Pipeline** (won deals, won revenue, lost and closed deals): the open opportunities of the
  salesperson expected to close by the period's end, each weighted by the chance it closes by
  then (``Slippage``) and by the win rate of its stage observed on the deals closed over the
  previous months; and the deals outside that pipeline (``arriving``: created later, leads,
  opportunities without an expected closing by then), as many as closed after the same day of
  the month outside that day's pipeline in the previous months. The win rate of a stage: the
  share of the days closed deals spent in the stage (tracked stage changes) that belonged to
  deals later won; without stage history, as Odoo's CRM counts it for its
  predictive scoring, a won deal passed through every stage and a lost one through the stages up
  to the one it was lost in: won ÷ (won + lost that reached it). The salesperson's own rate
  counts once ``MIN_HISTORY`` closed deals were in (reached) the stage, else the team's, else
  the company's, else the opportunity's own probability.
- **Pace** (activities, meetings, customers...): the salesperson's pace over the last month of
  working days (Monday to Friday): the working days elapsed in the period and, before them, as
  many of last month's as the period has left (``window_tail``); the salesperson's own pace of the
  period alone when they were not appraised last month.
- **Ratios**: the forecast numerator ÷ the forecast denominator. Anything else (averages,
  growths): the actual as it stands.
"""

import dataclasses
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from . import score

MIN_HISTORY = 5
PIPELINE_METHODS = ("won", "lost", "closed")
# forecast achievement (%) below the line's alert threshold, or this one when it has none, is
# off track; between it and 100 % at risk
AT_RISK_FROM = 80.0


@dataclasses.dataclass(frozen=True)
class Opportunity:
    """An open opportunity expected to close by the period's end (``deadline``, its *Expected
    Closing*; None: counted as closing)."""

    id: int
    user_id: int
    team_id: int
    stage_sequence: int
    probability: float
    amounts: dict  # {field name: value} of the fields the pipeline KPIs sum
    deadline: date | None = None


@dataclasses.dataclass(frozen=True)
class ClosedDeals:
    """``count`` deals of a salesperson and team closed (won or lost) in a stage."""

    user_id: int
    team_id: int
    stage_sequence: int
    won: bool
    count: int


@dataclasses.dataclass(frozen=True)
class StageTime:
    """``days`` the ``count`` closed (won or lost) deals of a salesperson and team that sat in a
    stage spent there, from their tracked stage changes."""

    user_id: int
    team_id: int
    stage_sequence: int
    won: bool
    count: int
    days: float


class WinRates:
    """Stage win rates observed on closed deals, per salesperson, team and company.

    Where the stage history shows how long closed deals sat in a stage (``stage_times``), the win
    rate of the stage is the share of that time spent by deals later won: the chance that a deal
    found in that stage on a given day is won (deals that will be lost linger in the early
    stages, those that will be won pass through). Where it does not, the rate of the deals that
    reached the stage (``closed_deals``).
    """

    def __init__(self, closed_deals, stage_times=()):
        self._won = defaultdict(int)  # scope key -> won deals
        self._lost = defaultdict(lambda: defaultdict(int))  # scope key -> {stage sequence: lost}
        for deals in closed_deals:
            for key in (("user", deals.user_id), ("team", deals.team_id), ("company", None)):
                if deals.won:
                    self._won[key] += deals.count
                else:
                    self._lost[key][deals.stage_sequence] += deals.count
        # (scope key, stage sequence) -> [deals, days, days of deals won]
        self._time = defaultdict(lambda: [0, 0.0, 0.0])
        for stage_time in stage_times:
            for key in (("user", stage_time.user_id), ("team", stage_time.team_id), ("company", None)):
                entry = self._time[key, stage_time.stage_sequence]
                entry[0] += stage_time.count
                entry[1] += stage_time.days
                entry[2] += stage_time.days if stage_time.won else 0.0

    def _observed(self, key, sequence):
        won = self._won.get(key, 0)
        lost = sum(count for seq, count in self._lost.get(key, {}).items() if seq >= sequence)
        return won, won + lost

    def rate(self, user_id, team_id, sequence, probability):
        """(win rate 0..1, where it comes from: "salesperson", "team", "company", "stage"): the
        time in the stage first, then the deals that reached it."""
        scopes = [
            (source, key, minimum)
            for source, key, minimum in (
                ("salesperson", ("user", user_id), MIN_HISTORY),
                ("team", ("team", team_id), MIN_HISTORY),
                ("company", ("company", None), 1),
            )
            if source != "team" or team_id
        ]
        for source, key, minimum in scopes:
            deals, days, won_days = self._time.get((key, sequence), (0, 0.0, 0.0))
            if deals >= minimum and days > 0:
                return won_days / days, source
        for source, key, minimum in scopes:
            won, reached = self._observed(key, sequence)
            if reached >= minimum:
                return won / reached, source
        return probability / 100.0, "stage"


@dataclasses.dataclass(frozen=True)
class Arrivals:
    """``count`` leads or opportunities (``type``) of a salesperson, won or not, closed after the
    day of the month the forecast is made on that the pipeline did not hold on that day (created
    later, leads, or without an expected closing by the month's end), over the previous months;
    ``amounts`` ``{field name: sum}``."""

    user_id: int
    type: str
    won: bool
    count: int
    amounts: dict


def arriving(specs, arrivals, months):
    """``{kpi id: {user id: value}}`` the deals outside the pipeline add to the pipeline KPIs
    among ``specs`` and their parts by the period's end: what those closed after the same day of
    the month outside that day's pipeline added, on average over ``months`` previous months."""
    sources = {part.id: part for spec in specs for part in spec.parts() if part.method in PIPELINE_METHODS}
    result = {kpi_id: defaultdict(float) for kpi_id in sources}
    for arrival in arrivals:
        for part in sources.values():
            if part.types is not None and arrival.type not in part.types:
                continue
            if part.method == "closed" or (part.method == "won") == arrival.won:
                value = arrival.amounts.get(part.field, 0.0) if part.field else arrival.count
                result[part.id][arrival.user_id] += value / months
    return {kpi_id: dict(values) for kpi_id, values in result.items()}


@dataclasses.dataclass(frozen=True)
class DayInputs:
    """What the forecasts of a month read that stays the same all day, for the salespeople
    ``user_ids``: the deals expected to arrive outside the pipeline (``arrivals``, rows of
    ``Arrivals`` with the sums of ``amount_fields``; None: not read, no pipeline KPI) and the
    tails of the pace KPIs ``pace_ids`` (``tails`` ``{kpi id: {user id: value}}``, of those
    appraised the month before)."""

    user_ids: frozenset
    pace_ids: frozenset
    amount_fields: frozenset | None
    arrivals: tuple | None
    tails: dict

    def covers(self, user_ids, pace_ids, amount_fields):
        """Whether these inputs hold what forecasting ``user_ids`` reads: the tails of
        ``pace_ids`` and, unless ``amount_fields`` is None, the arrivals with their sums."""
        return (
            user_ids <= self.user_ids
            and pace_ids <= self.pace_ids
            and (
                amount_fields is None
                or (self.arrivals is not None and set(amount_fields) <= self.amount_fields)
            )
        )

    def of(self, user_ids):
        """``(tails, arrivals)`` of ``user_ids`` alone."""
        return (
            {
                kpi_id: {uid: values[uid] for uid in user_ids if uid in values}
                for kpi_id, values in self.tails.items()
            },
            [arrival for arrival in self.arrivals or () if arrival.user_id in user_ids],
        )

    def to_json(self):
        return {
            "user_ids": sorted(self.user_ids),
            "pace_ids": sorted(self.pace_ids),
            "amount_fields": None if self.amount_fields is None else sorted(self.amount_fields),
            "arrivals": None
            if self.arrivals is None
            else [dataclasses.astuple(arrival) for arrival in self.arrivals],
            "tails": {
                str(kpi_id): {str(uid): value for uid, value in values.items()}
                for kpi_id, values in self.tails.items()
            },
        }

    @classmethod
    def from_json(cls, data):
        amount_fields, arrivals = data["amount_fields"], data["arrivals"]
        return cls(
            frozenset(data["user_ids"]),
            frozenset(data["pace_ids"]),
            None if amount_fields is None else frozenset(amount_fields),
            None if arrivals is None else tuple(Arrivals(*row) for row in arrivals),
            {
                int(kpi_id): {int(uid): value for uid, value in values.items()}
                for kpi_id, values in data["tails"].items()
            },
        )


class Slippage:
    """When deals close against their *Expected Closing*: the lateness (days closed after it,
    negative when before) of the opportunities expected to close over the previous months, and
    of those still open (never closed, they count as later than any).

    An opportunity still open at the end of ``today`` and expected on ``deadline`` closes by
    ``end`` with the share of the past opportunities later than ``today − deadline`` days that
    closed by ``end − deadline`` days: a deal already overdue counts only as often as deals that
    slipped as far closed in the days left, and none on the period's last day. Without such
    history an opportunity not yet due counts in full, an overdue one not at all.
    """

    def __init__(self, lateness):
        """``lateness``: ``{days late, or None for still open: opportunities}``."""
        closed = sorted((days, count) for days, count in lateness.items() if days is not None)
        self._days = [days for days, _count in closed]
        self._cumulative = [0]
        for _days, count in closed:
            self._cumulative.append(self._cumulative[-1] + count)
        self._total = self._cumulative[-1] + lateness.get(None, 0)
        self._cache = {}

    def _later_than(self, days):
        return self._total - self._cumulative[bisect_right(self._days, days)]

    def closing(self, deadline, today, end):
        """The chance (0..1) an opportunity open at the end of ``today``, expected to close on
        ``deadline`` (None: counted as closing), closes by the end of ``end``."""
        if deadline is None:
            return 1.0
        late, left = (today - deadline).days, (end - deadline).days
        if (late, left) not in self._cache:
            later = self._later_than(late)
            if left <= late:
                share = 0.0
            elif not later:
                share = 1.0 if late < 0 else 0.0
            else:
                share = (later - self._later_than(left)) / later
            self._cache[late, left] = share
        return self._cache[late, left]


def expected(opportunities, rates, method, field=None, closing=None):
    """``{user id: (expected value, [opportunity ids])}`` the open ``opportunities`` add to a
    pipeline KPI by the period's end: won (win rate), lost (1 − win rate) or closed (all), each
    counted once (``field`` None) or for its ``field`` amount, and weighted by ``closing`` (the
    chance it closes by the period's end, from its ``Opportunity``; all close when None). Those
    with no chance are not counted."""
    result = defaultdict(lambda: [0.0, []])
    for opportunity in opportunities:
        chance = closing(opportunity) if closing else 1.0
        if not chance:
            continue  # it cannot close by then: not counted
        win, _source = rates.rate(
            opportunity.user_id, opportunity.team_id, opportunity.stage_sequence, opportunity.probability
        )
        share = chance * {"won": win, "lost": 1.0 - win, "closed": 1.0}[method]
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


def window_tail(date_from, date_to, today):
    """``(first day, last day)`` before the period that complete the pace's window of a month of
    working days: as many working days as the period has left after ``today``, counted back from
    the day before the period; None when the pace needs none (period over, or before its first
    working day, as ``pace_factor``)."""
    if pace_factor(date_from, date_to, today) == 1.0:
        return None
    left = working_days(today + timedelta(days=1), date_to)
    day, counted = date_from, 0
    while counted < left:
        day -= timedelta(days=1)
        counted += day.weekday() < 5
    return day, date_from - timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class LineForecast:
    """The forecast of a line and its parts: ``actual`` so far, what the open ``pipeline`` adds
    (the opportunities counted), what deals outside it add (``arriving``), what the ``pace``
    adds."""

    method: str
    actual: float | None
    forecast: float | None
    pipeline: float = 0.0
    pace: float = 0.0
    opportunity_ids: tuple = ()
    arriving: float = 0.0


def forecast_source(method, actual, pipeline=None, factor=1.0, tail=None, arriving=0.0):
    """Forecast of a count or sum: ``pipeline`` = (expected, ids) and ``arriving`` (from deals
    outside the pipeline) for pipeline methods; for
    "pace", the pace ``factor`` and the ``tail``, what the salesperson counted over the days of
    ``window_tail`` (None: the period's own pace alone): the window's count ÷ its working days
    (those of the period) × the working days left; the actual as it stands otherwise."""
    value = actual or 0.0
    if method in PIPELINE_METHODS:
        added, ids = pipeline or (0.0, [])
        return LineForecast(
            method,
            actual,
            value + added + arriving,
            pipeline=added,
            opportunity_ids=tuple(ids),
            arriving=arriving,
        )
    if method == "pace":
        added = value * (factor - 1.0) if tail is None else (value + tail) * (1.0 - 1.0 / factor)
        return LineForecast(method, actual, value + added, pace=added)
    return LineForecast("none", actual, actual)


def forecast_ratio(actual, numerator, denominator):
    """A ratio (%) from the forecasts of its numerator and denominator; the opportunities of both."""
    if not denominator.forecast:
        return LineForecast("ratio", actual, actual)
    ids = tuple(dict.fromkeys(numerator.opportunity_ids + denominator.opportunity_ids))
    value = 100.0 * (numerator.forecast or 0.0) / denominator.forecast
    return LineForecast(
        "ratio",
        actual,
        value,
        pipeline=numerator.pipeline,
        pace=numerator.pace,
        opportunity_ids=ids,
        arriving=numerator.arriving,
    )


@dataclasses.dataclass(frozen=True)
class KpiSpec:
    """How a KPI is forecast: ``method`` (a pipeline method, "pace", "none", or "ratio" with its
    ``numerator`` and ``denominator`` specs); ``field`` the amount a pipeline sum adds, ``types``
    the lead types it counts (None: leads and opportunities)."""

    id: int
    method: str
    field: str | None = None
    numerator: "KpiSpec | None" = None
    denominator: "KpiSpec | None" = None
    types: tuple | None = None

    def parts(self):
        """The source KPIs measured to forecast this one."""
        return (self.numerator, self.denominator) if self.method == "ratio" else (self,)


def pipeline_expectations(specs, opportunities, rates, closing=None):
    """``{kpi id: {user id: (expected, [opportunity ids])}}`` of the pipeline KPIs among ``specs``
    and their parts (``closing`` as ``expected`` takes it)."""
    sources = {part.id: part for spec in specs for part in spec.parts()}
    return {
        part.id: expected(opportunities, rates, part.method, part.field, closing)
        for part in sources.values()
        if part.method in PIPELINE_METHODS
    }


def pace_parts(specs):
    """The source KPIs among ``specs`` and their parts forecast by pace (their ``window_tail``
    is measured)."""
    return {part.id for spec in specs for part in spec.parts() if part.method == "pace"}


def forecast_kpi(spec, user_id, actual, measured, expectations, factor, tails=None, arrivals=None):
    """The ``LineForecast`` of ``spec`` for a salesperson: ``actual`` so far (None: no data),
    ``measured`` ``{kpi id: {user id: value}}`` of a ratio's parts so far, ``expectations`` from
    ``pipeline_expectations``, ``factor`` from ``pace_factor``, ``tails`` ``{kpi id: {user id:
    value}}`` of the pace KPIs over the ``window_tail`` (a salesperson absent: own pace alone),
    ``arrivals`` from ``arriving``."""

    def source(part, value):
        return forecast_source(
            part.method,
            value,
            expectations.get(part.id, {}).get(user_id),
            factor,
            (tails or {}).get(part.id, {}).get(user_id),
            (arrivals or {}).get(part.id, {}).get(user_id, 0.0),
        )

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
