"""How a KPI line reads (no ORM): its state, shared by the dashboard and the lists."""

# KPIs whose actual accumulates over the month (compared with the share of the target due by
# today); rates and averages are compared with the whole target
CUMULATIVE_MODES = ("count", "sum")
ENTERED_MODES = ("manual", "deduction")
STATUSES = [
    ("reached", "Target reached"),
    ("on_track", "On track"),
    ("behind", "Behind pace"),
    ("no_target", "No target"),
    ("no_data", "No data"),
    ("entered", "Entered"),
    ("not_entered", "Not entered"),
]


def line_status(measure_mode, has_data, target, achievement, pace):
    """State of a KPI line (the only thing its colour shows).

    ``not_entered``: points or occurrences a reviewer has not entered yet; ``no_data``: nothing
    measured; ``no_target``: measured without a target; ``entered``: points given;
    ``reached``: target reached; ``on_track``: at or above the pace due by today (a share of
    the period, 1.0 for KPIs that do not add up); ``behind``: below it.
    """
    if measure_mode in ENTERED_MODES:
        return "entered" if has_data else "not_entered"
    if not has_data:
        return "no_data"
    if not target:
        return "no_target"
    if achievement >= 100.0:
        return "reached"
    return "on_track" if achievement >= 100.0 * pace else "behind"


def line_pace(measure_mode, elapsed):
    """Share of the target due by now: the elapsed share of the period for KPIs that add up."""
    return elapsed if measure_mode in CUMULATIVE_MODES else 1.0
