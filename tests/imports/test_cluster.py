"""`sop-xl run --executor dask://HOST:PORT`: the forecast on a Dask cluster the test starts,
chunk by chunk, with the same result as on this computer's cores."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_xl.app import cluster
from sop_xl.app.master import MasterWorkbook
from sop_xl.cli.main import main


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as lc:
        yield lc.scheduler_address.replace("tcp://", "dask://")


def _forecast(path: Path):
    return MasterWorkbook.open(path).read_output_grid("stat_forecast")


def test_run_on_the_cluster_equals_the_local_run(scheduler: str, small_master: Path,
                                                 tmp_path: Path, capsys, monkeypatch) -> None:
    from sop_xl.plan.forecast import engine
    monkeypatch.setattr(engine, "CHUNK_SIZE", 1)  # two items: two chunks, two progress lines
    local = tmp_path / "local.xlsx"
    local.write_bytes(small_master.read_bytes())
    assert main(["forecast", str(local), "--executor", "serial", "--quiet"]) == 0
    assert main(["run", str(small_master), "--executor", scheduler, "--no-version"]) == 0
    err = capsys.readouterr().err
    assert f"forecast on {scheduler}: 1 of 2 items" in err
    assert f"forecast on {scheduler}: 2 of 2 items" in err
    a, b = _forecast(local), _forecast(small_master)
    assert a is not None and a.equals(b)


def test_the_environment_variable_and_settings(scheduler: str, small_master: Path, capsys,
                                               monkeypatch) -> None:
    monkeypatch.setenv("SOP_XL_DASK", scheduler)
    assert cluster.choose(None, "serial") == scheduler       # the variable before Settings
    assert cluster.choose("serial", "") == "serial"          # the command line before both
    assert main(["forecast", str(small_master)]) == 0
    assert f"forecast on {scheduler}: 2 of 2 items" in capsys.readouterr().err
    monkeypatch.delenv("SOP_XL_DASK")
    assert cluster.choose(None, scheduler) == scheduler      # Settings "Forecast executor"


def test_an_unreachable_scheduler_is_one_clear_line(small_master: Path, capsys,
                                                    monkeypatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    assert main(["forecast", str(small_master), "--executor", "dask://127.0.0.1:1",
                 "--quiet"]) == 2
    assert "cannot reach the Dask scheduler at dask://127.0.0.1:1" in capsys.readouterr().err
    assert main(["forecast", str(small_master), "--executor", "everywhere", "--quiet"]) == 2
    assert "'everywhere' is not a forecast executor" in capsys.readouterr().err
