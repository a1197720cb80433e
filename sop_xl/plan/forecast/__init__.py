"""Statistical demand forecasting for the S&OP cycle (step 1: data and forecast report).

Public names:
- auto_forecast(history, horizon, ...) -> ForecastResult: every item of a long history,
  with demand classification, outlier cleaning (flagged), rolling-origin model selection,
  prediction intervals and analog/family forecasts for new items.
- forecast_block(values, horizon, model="auto", season_length=12): a block of series (one
  per row) in one batch, for the SOP_FORECAST worksheet function; forecast_series: one.
- classify / DemandClass: the Syntetos-Boylan demand classes.
- SerialExecutor, ProcessExecutor (default), DaskExecutor: where the work runs.
"""

from sop_xl.plan.forecast.classify import Classification, DemandClass, classify
from sop_xl.plan.forecast.engine import (
    ForecastResult,
    auto_forecast,
    forecast_block,
    forecast_series,
)
from sop_xl.plan.forecast.executor import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
)

__all__ = [
    "Classification",
    "DaskExecutor",
    "DemandClass",
    "Executor",
    "ForecastResult",
    "ProcessExecutor",
    "SerialExecutor",
    "auto_forecast",
    "classify",
    "forecast_block",
    "forecast_series",
]
