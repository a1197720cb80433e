"""The same results whatever executor runs the work (serial, process pool, Dask)."""

import numpy as np
import pandas as pd
import pytest

from sop_xl.plan.forecast import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    auto_forecast,
    engine,
)

from .conftest import intermittent, long_frame, seasonal


@pytest.fixture(scope="module")
def history():
    series = {}
    for i in range(6):
        series[f"S{i}"] = seasonal(n=40, seed=i, level=50 + 10 * i)
        series[f"I{i}"] = intermittent(n=40, seed=i)
    return long_frame(series)


def run(history, executor, monkeypatch):
    # Small chunks so that the pool and the cluster really split the work.
    monkeypatch.setattr(engine, "CHUNK_SIZE", 3)
    return auto_forecast(history, 6, executor=executor)


def test_identical_across_executors(history, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    serial = run(history, SerialExecutor(), monkeypatch)
    pooled = run(history, ProcessExecutor(max_workers=2), monkeypatch)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        DaskExecutor(cluster.scheduler_address) as dask_executor,
    ):
        dasked = run(history, dask_executor, monkeypatch)
    for other in (pooled, dasked):
        pd.testing.assert_frame_equal(serial.forecast, other.forecast, check_exact=True)
        pd.testing.assert_frame_equal(serial.summary, other.summary, check_exact=True)
        pd.testing.assert_frame_equal(serial.cleaned, other.cleaned, check_exact=True)
    assert len(serial.forecast) == 12 * 6
    assert np.isfinite(serial.forecast["forecast"]).all()
