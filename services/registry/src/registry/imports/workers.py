"""Where an import's batches are prepared (`preparing`): in a worker process for a large file, so that reading
and checking the next batch runs on another core while the service writes this one; in a thread of the
service for a small file, which would not repay the worker's start (about half a second: it imports the schemas).

The worker is the import's own: started when the job starts, stopped when it ends, so an idle service holds
no second process. It reads the day from the service's clock, so both judge dates alike."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar

from kkb_shared import clock
from registry.imports import preparing  # noqa: F401 (imported by the worker before it freezes its heap)

R = TypeVar("R")

# The worker allocates many short-lived objects per row: collect the youngest generation less often.
WORKER_GC_THRESHOLD = 20_000


def _start_worker(day: date | None) -> None:
    """In the worker, once: the service's clock, and a garbage collector that leaves the modules alone (they
    are frozen out of its scans) and runs less often."""
    clock.follow(day)
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _ready() -> None:
    """A first task, sent at once, so the worker starts while the service scans the file."""


class Preparer:
    """Runs preparation functions for one import, in order: `await preparer(function, *args)`."""

    def __init__(self, *, in_process: bool) -> None:
        self.in_process = in_process
        self._executor: Executor
        if in_process:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare")
        else:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(clock.fixed_day(),),
            )
            self._executor.submit(_ready)

    async def __call__(self, function: Callable[..., R], *args: Any) -> R:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def close(self) -> None:
        """Drop the work not started, wait for the work under way, and stop the worker."""
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
