"""Keep BLAS single-threaded while forecasting.

The per-item work makes thousands of tiny BLAS calls (scipy's L-BFGS-B inside every
statsmodels fit). With OpenBLAS threads awake, each call pays a thread hand-off: measured
here, 200 items took 29 s with 2 BLAS threads and 7 s with 1. Parallelism comes from the
executor (one item per core), never from BLAS.

Uses threadpoolctl when installed; otherwise, on Linux, calls OpenBLAS's own
`*_set_num_threads` on the libraries loaded in this process.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SETTERS = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
            "scipy_openblas_set_num_threads", "openblas_set_num_threads")  # fmt: skip


def _openblas_libraries() -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return []
    return sorted(p for p in paths if p.startswith("/"))


def _set_openblas_threads(count: int) -> None:
    for path in _openblas_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(count)
                break


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (restored after with threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        _set_openblas_threads(1)  # no portable way to read the old value back: leave it
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
