"""The figures `make bench` tracks, gathered from every benchmark script into one table at the end.

Each script calls `record(...)` for what it measured (with its side-by-side reference when it has one); the
figures go to the JSON-lines file named by `KKB_BENCH_RESULTS` (nothing is kept when it is unset, as when a
script runs alone). `python scripts/bench_results.py` prints the table."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_ENV = "KKB_BENCH_RESULTS"


@dataclass(frozen=True)
class Figure:
    figure: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    goal: str = ""
    met: bool | None = None


def record(
    figure: str,
    value: float,
    unit: str,
    *,
    reference: str = "",
    reference_value: float | None = None,
    goal: str = "",
    met: bool | None = None,
) -> None:
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    row = Figure(figure, value, unit, reference, reference_value, goal, met)
    with Path(path).open("a") as results:
        results.write(json.dumps(asdict(row)) + "\n")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(figures: list[Figure]) -> str:
    header = ("figure", "value", "reference", "ratio", "goal")
    lines = []
    for f in figures:
        reference = ratio = ""
        if f.reference_value is not None:
            reference = f"{_number(f.reference_value)} {f.unit} {f.reference}"
            ratio = f"{f.value / f.reference_value:.2f}x" if f.reference_value else ""
        verdict = {True: " (met)", False: " (NOT met)", None: ""}[f.met]
        lines.append((f.figure, f"{_number(f.value)} {f.unit}", reference, ratio, f.goal + verdict))
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def main() -> int:
    path = Path(os.environ.get(RESULTS_ENV, "var/bench-results.jsonl"))
    if not path.exists():
        print(f"no figures in {path}")
        return 1
    figures = [Figure(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    print("\nEvery figure make bench tracks\n")
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
