"""`make run`'s supervisor: a process that exits is started again after a pause that doubles up to a ceiling,
one that keeps running is left alone, and stop_all ends every process."""

from __future__ import annotations

import subprocess
import sys
import time

from platform_processes import Supervisor


def test_an_exiting_process_is_restarted_with_a_growing_pause_and_stop_all_ends_everything() -> None:
    starts: dict[str, list[float]] = {"crashing": [], "steady": []}
    lines: list[str] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        starts[name].append(time.monotonic())
        code = "import sys; sys.exit(3)" if name == "crashing" else "import time; time.sleep(60)"
        return subprocess.Popen([sys.executable, "-c", code])

    supervisor = Supervisor(start=start, first_pause=0.1, max_pause=0.4, log=lines.append)
    for name in starts:
        supervisor.add(name, start(name))
    try:
        deadline = time.monotonic() + 20
        while len(starts["crashing"]) < 5 and time.monotonic() < deadline:
            supervisor.check()
            time.sleep(0.01)
    finally:
        supervisor.stop_all()
    assert [line.rsplit(" in ", 1)[1] for line in lines[:4]] == ["0.1 s", "0.2 s", "0.4 s", "0.4 s"]
    assert lines[0].startswith("crashing exited with 3; starting it again")
    gaps = [later - earlier for earlier, later in zip(starts["crashing"], starts["crashing"][1:], strict=False)]
    assert len(gaps) == 4 and all(gap >= pause for gap, pause in zip(gaps, [0.1, 0.2, 0.4, 0.4], strict=True))
    assert len(starts["steady"]) == 1
    assert all(child.process.poll() is not None for child in supervisor.children.values())
