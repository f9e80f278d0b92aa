"""Where an import's batches are prepared (`preparing`): in a worker process for a large file, so that reading
and checking the next batch runs on another core while the service writes this one; in a thread of the
service for a small file, which would not repay the worker's start (about half a second: it imports the
schemas).

The worker is the import's own: started when the job starts, stopped when it ends, so an idle service holds
no second process. It is this module run as a program (`python -m registry.imports.workers`), which loads only
what preparing needs (no web framework, no database driver; about 40 MB), and it reads the day from the
service's clock, so both judge dates alike. The service sends it calls, each a pickled (function, arguments)
framed by its length on the worker's stdin, and reads the answers the same way from its stdout; its stderr is
the service's."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import IO, Any, TypeVar

from kkb_shared import clock

R = TypeVar("R")

# The worker allocates many short-lived objects per row: collect the youngest generation less often.
WORKER_GC_THRESHOLD = 20_000
FRAME = 8  # bytes of a message's length, big-endian
STOP_SECONDS = 5.0  # how long a worker asked to stop may finish its call before it is killed


class WorkerFailed(RuntimeError):
    """The worker process ended without answering (killed, out of memory) or could not run a call."""


class Preparer:
    """Runs preparation functions for one import, one at a time and in order: `await preparer(function, *args)`.
    `in_process`: in a thread of the service, else in a worker process; `close()` in any case."""

    def __init__(self, *, in_process: bool) -> None:
        self.in_process = in_process
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") if in_process else None
        self._worker: asyncio.subprocess.Process | None = None
        self._turn = asyncio.Lock()

    async def __call__(self, function: Callable[..., R], *args: Any) -> R:
        if self._thread is not None:
            return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)
        async with self._turn:
            worker = await self._started()
            assert worker.stdin is not None and worker.stdout is not None
            request = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
            worker.stdin.write(len(request).to_bytes(FRAME) + request)
            try:
                await worker.stdin.drain()
                size = int.from_bytes(await worker.stdout.readexactly(FRAME))
                answer = await worker.stdout.readexactly(size)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                code = await worker.wait()
                raise WorkerFailed(f"the import's worker process ended without answering (exit code {code})") from exc
            except asyncio.CancelledError:  # its answer would be read as the next call's: start afresh
                self._worker = None
                with contextlib.suppress(ProcessLookupError):
                    worker.kill()
                raise
        ok, result = pickle.loads(answer)  # noqa: S301 (our own worker's answer)
        if not ok:
            raise result
        return result

    async def start(self) -> None:
        """Start the worker now (it starts at the first call otherwise), so it loads while the file is scanned."""
        if self._thread is None:
            async with self._turn:
                await self._started()

    async def _started(self) -> asyncio.subprocess.Process:
        if self._worker is None:
            day = clock.fixed_day()
            self._worker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                __name__,
                day.isoformat() if day else "",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 20,
            )
        return self._worker

    async def close(self) -> None:
        """Wait for the call under way, then stop the worker (killed if it does not stop in time)."""
        if self._thread is not None:
            await asyncio.to_thread(self._thread.shutdown, wait=True, cancel_futures=True)
            return
        async with self._turn:
            worker, self._worker = self._worker, None
        if worker is None:
            return
        if worker.stdin is not None:
            worker.stdin.close()  # the worker ends at the end of its input
        try:
            await asyncio.wait_for(worker.wait(), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            await worker.wait()


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The worker's loop: answer each call read from `requests` on `answers`, until `requests` ends."""
    while header := requests.read(FRAME):
        function, args = pickle.loads(requests.read(int.from_bytes(header)))  # noqa: S301 (the service's own call)
        try:
            answer = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the service raises it in the import
            try:
                answer = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that cannot be pickled is sent as its text
                answer = pickle.dumps((False, WorkerFailed(f"{type(exc).__name__}: {exc}")))
        answers.write(len(answer).to_bytes(FRAME) + answer)
        answers.flush()


def main(day: str) -> None:
    """In the worker: the service's clock, the modules preparing needs, and a garbage collector that leaves them
    alone (they are frozen out of its scans) and runs less often."""
    clock.follow(date.fromisoformat(day) if day else None)
    from registry.imports import preparing  # noqa: F401 (loaded before the heap is frozen)

    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever else is printed goes to the service's log
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
