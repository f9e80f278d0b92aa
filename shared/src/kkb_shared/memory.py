"""Giving the operating system back the memory a large job has freed.

CPython returns a freed object's memory to its C allocator, which keeps it for later instead of giving it back:
after a bulk import a service would hold its peak for the rest of its life (about 60 MB after 200,000 rows),
so that the next import's peak lands on top of it. glibc's `malloc_trim` returns every free page of its heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any


@functools.cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None


def release_freed_memory() -> bool:
    """Return the C allocator's free pages to the operating system: True where it can (glibc), False where the
    C library has no such call (musl, macOS), which is harmless: the memory stays reusable by the process."""
    trim = _libc()
    if trim is None:
        return False
    trim(0)
    return True
