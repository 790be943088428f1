"""The appraisal engine in plain Python (no ORM): scoring, forecast and simulation.

Models gather the figures (one grouped query per KPI and span) and store the results; the
functions here turn figures into scores, totals and grades, and are tested without a database.
"""

from . import forecast, pay, score, simulate
