"""Running work that owns an event loop (Alembic's env.py, `asyncio.run`) from code that may already be
inside one: tests, async callers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_in_own_thread(function: Callable[[], T]) -> T:
    """Call `function` in a new thread and return its result or raise its exception."""
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(function())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
