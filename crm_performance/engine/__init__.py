"""The appraisal engine: KPI definition -> measure -> score -> total.

- ``measure`` (declare KPIs x salespeople x spans, run, read values) and ``scan`` (the grouped
  SQL behind them) run on a database cursor through the ORM's query builder;
- ``spans``, ``score``, ``forecast``, ``simulate`` and ``pay`` are plain Python (no ORM), tested
  without a database: the spans measured, line results, the one function making a total and a
  grade, roll-ups, forecasts, what-if simulations and the pay rule.

Models declare what to measure, call the engine and store its results.
"""

from . import forecast, pay, score, simulate, spans
