"""Pure scoring rules of an appraisal line (no ORM, so they can be tested exhaustively).

Achievements are ratios (1.0 = 100 %); floors, caps and band thresholds are percentages as the
manager types them in the UI; scores are on a 0..100 scale (above 100 only through a cap
above 100 %).
"""

import math

# An achievement of a million times the target is far beyond any cap; bounding it keeps the
# ratio and its percentage finite when a tiny positive target or actual would overflow them.
MAX_ACHIEVEMENT = 1e6


def achievement(actual, target, direction, cap):
    """Return the achievement ratio of ``actual`` against ``target``, or None if undefined.

    Higher is better: actual / target. Lower is better: target / actual, where an actual of 0
    (nothing to complain about) is worth the cap. A missing actual or a target that is not
    strictly positive has no achievement. Never negative, never NaN or infinite, at most
    MAX_ACHIEVEMENT.
    """
    if actual is None or target is None or not math.isfinite(actual) or not math.isfinite(target):
        return None
    if target <= 0:
        return None
    if direction == "lower":
        ratio = cap / 100.0 if actual <= 0 else target / actual
    else:
        ratio = actual / target
    return min(max(ratio, 0.0), MAX_ACHIEVEMENT)


def linear_score(ratio, floor, cap):
    """100 x min(ratio, cap), and 0 when the achievement is below the floor (both in %)."""
    if ratio is None or ratio * 100.0 < floor:
        return 0.0
    return 100.0 * min(ratio, cap / 100.0)


def banded_score(ratio, bands):
    """Points of the highest band reached; ``bands`` is an iterable of (min achievement %, points)."""
    if ratio is None:
        return 0.0
    reached = [points for minimum, points in bands if ratio * 100.0 >= minimum]
    return float(max(reached)) if reached else 0.0


def deduction_score(occurrences, max_points, penalty):
    """Start from max points, minus the penalty per started occurrence, floor at 0, as % of max.

    Half a day absent counts as a day: occurrences are rounded up. Occurrences that are not a
    finite number cannot be counted: no points.
    """
    if max_points <= 0 or not math.isfinite(occurrences or 0.0):
        return 0.0
    points = max(max_points - penalty * counted_occurrences(occurrences), 0.0)
    return 100.0 * points / max_points


def counted_occurrences(occurrences):
    """Occurrences as the deduction counts them: every started one (1.5 days absent count 2)."""
    if not math.isfinite(occurrences or 0.0):
        return 0.0
    return float(math.ceil(max(occurrences or 0.0, 0.0)))


def manual_score(points, max_points):
    """Points entered by a reviewer, as % of the line's maximum."""
    if max_points <= 0 or not points or math.isnan(points):
        return 0.0
    return 100.0 * min(max(points, 0.0), max_points) / max_points


def weighted(weight, score):
    """Contribution of a line to the total: weight x score / 100 (weights sum to 100)."""
    return weight * score / 100.0


def grade(total, bands):
    """Name of the first band whose minimum the total reaches; ``bands`` = (min score, name)."""
    for minimum, name in sorted(bands, key=lambda band: band[0], reverse=True):
        if total >= minimum:
            return name
    return False


def competition_ranks(scores):
    """Standard competition ranking ("1224") of a {key: score} mapping, highest first."""
    first_position = {}
    for position, score in enumerate(sorted(scores.values(), reverse=True), start=1):
        first_position.setdefault(score, position)
    return {key: first_position[score] for key, score in scores.items()}
