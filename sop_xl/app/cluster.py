"""Where the statistical forecast runs: this computer's cores, one process, or a Dask
cluster, chosen by ``--executor``, the environment variable SOP_XL_DASK or Settings
"Forecast executor", in that order.

``dask://HOST:PORT`` (or ``tcp://HOST:PORT``) names a running scheduler; its workers must
have sop_xl installed (the same version: they run its forecast functions). The result is
the same wherever it runs: the items are cut into the same chunks (sop_xl.plan.forecast).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from sop_xl.base.errors import SopXlError
from sop_xl.base.messages import message
from sop_xl.plan.forecast import Executor, SerialExecutor

ENV = "SOP_XL_DASK"
CONNECT_TIMEOUT = "15s"


class ExecutorError(SopXlError):
    """An executor that cannot be used: unknown, Dask missing, scheduler unreachable."""

    exit_code = 2

    def __init__(self, code: str, lang: str = "en", **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, lang, **params))

    def render(self, lang: str = "en") -> str:
        return message(self.code, lang, **self.params)


def choose(command_line: str | None, setting: str | None) -> str:
    """The executor to use: the command line's, else SOP_XL_DASK, else Settings'."""
    for value in (command_line, os.environ.get(ENV), setting):
        if value and value.strip():
            return value.strip()
    return ""


def address(spec: str) -> str | None:
    """The scheduler address of a Dask executor spec, or None for a local one."""
    s = spec.strip()
    if s.startswith("dask://"):
        return "tcp://" + s[len("dask://"):]
    if s.startswith(("tcp://", "tls://", "inproc://")):
        return s
    if ":" in s and s.rsplit(":", 1)[1].isdigit():  # SOP_XL_DASK=host:8786
        return "tcp://" + s
    return None


@contextlib.contextmanager
def open_executor(spec: str, lang: str = "en") -> Iterator[Executor | None]:
    """The executor for ``spec``; None means the forecast's default (all local cores).
    A Dask client is closed again when the block ends."""
    s = (spec or "").strip()
    if s.lower() in ("", "local", "processes"):
        yield None
        return
    if s.lower() == "serial":
        yield SerialExecutor()
        return
    where = address(s)
    if where is None:
        raise ExecutorError("executor_unknown", lang, value=s)
    try:
        from dask.distributed import Client
    except ImportError:
        raise ExecutorError("executor_no_dask", lang, value=s) from None
    from sop_xl.plan.forecast import DaskExecutor
    try:
        client = Client(where, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError("executor_unreachable", lang, value=s,
                            detail=f"{type(exc).__name__}: {exc}") from None
    try:
        yield DaskExecutor(client)
    finally:
        client.close()
