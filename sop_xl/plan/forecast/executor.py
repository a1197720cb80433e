"""Where the per-item work runs: in this process, a local process pool, or Dask.

An executor maps a top-level function over a list of work chunks and yields the results
in the order of the chunks, as they become available. The engine cuts the work into the
same chunks whatever the executor, so the results are identical.

Dask is optional (`pip install sop_xl[dask]`) and imported only when a DaskExecutor is made.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol


class Executor(Protocol):
    """Runs fn over chunks; yields results in chunk order."""

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> Iterator[Any]: ...


class SerialExecutor:
    """Everything in the calling process (debugging, Excel UDFs, tiny inputs)."""

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> Iterator[Any]:
        """Yield fn(chunk) for each chunk, in order."""
        for chunk in chunks:
            yield fn(chunk)


class ProcessExecutor:
    """A pool of worker processes, one per core unless told otherwise."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers or os.cpu_count() or 1

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> Iterator[Any]:
        """Yield fn(chunk) for each chunk, in order, computed in worker processes."""
        if len(chunks) <= 1 or self.max_workers == 1:
            yield from SerialExecutor().map(fn, chunks)
            return
        workers = min(self.max_workers, len(chunks))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(fn, chunks)


class DaskExecutor:
    """A Dask distributed cluster, by scheduler address ("tcp://host:8786") or a Client."""

    def __init__(self, address: Any = None) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "DaskExecutor needs dask[distributed]; install it with "
                "`pip install sop_xl[dask]` or use the default process pool"
            ) from exc
        self._owns_client = not isinstance(address, Client)
        self.client = Client(address) if self._owns_client else address

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> Iterator[Any]:
        """Yield fn(chunk) for each chunk, in order, computed on the cluster."""
        futures = self.client.map(fn, chunks, pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Close the client if this executor opened it."""
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
