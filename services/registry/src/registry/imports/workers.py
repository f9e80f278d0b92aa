"""Where an import's batches are read and prepared (`batches`, `preparing`): in a worker process for a large
file, so that reading and checking the next batch runs on another core while the service writes this one; in
a thread of the service for a small file, which would not repay the worker's start (about half a second: it
imports the schemas). The file's second pass lives there (`Preparer.open`): the service sends no rows, only
asks for the next batch.

The worker is the import's own: started when the job starts, stopped when it ends, so an idle service holds
no second process. It is this module run as a program (`python -m registry.imports.workers`), which loads only
what preparing needs (no web framework, no database driver; about 40 MB), and it reads the day from the
service's clock, so both judge dates alike. The service sends it calls, each a pickled (mode, function,
arguments) framed by its length on the worker's stdin, and reads the answers the same way from its stdout; its
stderr is the service's."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from enum import IntEnum
from typing import IO, Any, TypeVar, cast

from kkb_shared import clock

R = TypeVar("R")

# The worker allocates many short-lived objects per row: collect the youngest generation less often.
WORKER_GC_THRESHOLD = 20_000
FRAME = 8  # bytes of a message's length, big-endian
STOP_SECONDS = 5.0  # how long a worker asked to stop may finish its call before it is killed


class WorkerFailed(RuntimeError):
    """The worker process ended without answering (killed, out of memory) or could not run a call."""


class Mode(IntEnum):
    CALL = 0  # function(*args)
    OPEN = 1  # the object that later calls are on: function(*args), its answer kept where it runs
    ON_OPENED = 2  # function(opened, *args)


class Opened:
    """Where calls run (the worker, or the service's thread for a small file): the object they are on."""

    def __init__(self) -> None:
        self.value: Any = None

    def run(self, mode: Mode, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        if mode is Mode.OPEN:
            self.value = function(*args)
            return None
        if mode is Mode.ON_OPENED:
            return function(self.value, *args)
        return function(*args)


class Preparer:
    """Runs preparation functions for one import, in order: `await preparer(function, *args)`, or on an object
    that lives where they run: `await preparer.open(factory, *args)`, then `await preparer.on_opened(function,
    *args)` for `function(opened, *args)`. `in_process`: in a thread of the service, else in a worker process;
    `close()` in any case. Calls to the worker are sent as they come, without waiting for the answer before:
    the worker reads its next call as soon as it has answered, and its answers, in the order of the calls, are
    read as they arrive."""

    def __init__(self, *, in_process: bool) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") if in_process else None
        self._opened = Opened()  # in the thread's case
        self._worker: asyncio.subprocess.Process | None = None
        self._starting = asyncio.Lock()
        self._sending = asyncio.Lock()
        self._waiting: deque[asyncio.Future[Any]] = deque()  # the calls sent, oldest first
        self._answers: asyncio.Task[None] | None = None

    async def __call__(self, function: Callable[..., R], *args: Any) -> R:
        return cast(R, await self._run(Mode.CALL, function, args))

    async def open(self, factory: Callable[..., Any], *args: Any) -> None:
        await self._run(Mode.OPEN, factory, args)

    async def on_opened(self, function: Callable[..., R], *args: Any) -> R:
        return cast(R, await self._run(Mode.ON_OPENED, function, args))

    async def _run(self, mode: Mode, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        if self._thread is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._opened.run, mode, function, args)
        worker = await self._started()
        assert worker.stdin is not None
        request = pickle.dumps((mode, function, args), protocol=pickle.HIGHEST_PROTOCOL)
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        async with self._sending:
            if self._answers is None or self._answers.done():
                raise WorkerFailed("the import's worker process has ended")
            self._waiting.append(answer)
            worker.stdin.write(len(request).to_bytes(FRAME) + request)
            await worker.stdin.drain()
        return await answer

    async def _read_answers(self, worker: asyncio.subprocess.Process) -> None:
        """Hand each answer to the oldest call waiting (a call given up still takes its answer); when the worker
        ends, fail every call still waiting."""
        assert worker.stdout is not None
        try:
            while True:
                size = int.from_bytes(await worker.stdout.readexactly(FRAME))
                ok, result = pickle.loads(await worker.stdout.readexactly(size))  # noqa: S301 (our own worker's)
                waiting = self._waiting.popleft()
                if not waiting.done():
                    (waiting.set_result if ok else waiting.set_exception)(result)
        except (asyncio.IncompleteReadError, ConnectionError):
            failure = WorkerFailed(
                f"the import's worker process ended without answering (exit code {await worker.wait()})"
            )
        except Exception as exc:  # an answer that cannot be read: the worker is of no further use
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            failure = WorkerFailed(f"an unreadable answer from the import's worker process: {exc!r}")
        while self._waiting:
            if not (waiting := self._waiting.popleft()).done():
                waiting.set_exception(failure)

    async def start(self) -> None:
        """Start the worker now (it starts at the first call otherwise), so it loads while the file is scanned."""
        if self._thread is None:
            await self._started()

    async def _started(self) -> asyncio.subprocess.Process:
        async with self._starting:
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
                self._answers = asyncio.create_task(self._read_answers(self._worker))
            return self._worker

    async def close(self) -> None:
        """Let the worker answer the calls sent, then stop it (killed if it does not stop in time)."""
        if self._thread is not None:
            await asyncio.to_thread(self._thread.shutdown, wait=True, cancel_futures=True)
            if callable(close := getattr(self._opened.value, "close", None)):
                close()
            return
        async with self._starting:  # not after a call being sent: a worker that hangs is killed below
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
        if self._answers is not None:
            await asyncio.gather(self._answers, return_exceptions=True)


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The worker's loop: answer each call read from `requests` on `answers`, until `requests` ends."""
    opened = Opened()
    while header := requests.read(FRAME):
        mode, function, args = pickle.loads(requests.read(int.from_bytes(header)))  # noqa: S301 (the service's own)
        try:
            answer = pickle.dumps((True, opened.run(mode, function, args)), protocol=pickle.HIGHEST_PROTOCOL)
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
    from registry.imports import batches  # noqa: F401 (loaded before the heap is frozen)

    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever else is printed goes to the service's log
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":  # run as the module proper, whose classes the service's calls name, not as __main__
    from registry.imports import workers

    workers.main(sys.argv[1] if len(sys.argv) > 1 else "")
