"""Freed memory goes back to the operating system after a large job."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kkb_shared.memory import release_freed_memory


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim and /proc are Linux's")
def test_the_freed_heap_of_a_large_job_is_given_back() -> None:
    """150 MB of blocks of the C allocator's heap (each above CPython's own small-object allocator), every
    tenth kept, as a job's long-lived results are: free() alone keeps the pages around those kept."""
    blocks = [bytes(3000) + i.to_bytes(4) for i in range(50_000)]
    kept = blocks[::10]
    del blocks
    before = _resident_mb()
    assert release_freed_memory()
    assert before - _resident_mb() > 50
    assert len(kept) == 5_000
