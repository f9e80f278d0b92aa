"""How the code depends on itself: no program imports another (they talk over HTTP), the shared package imports
no program, and within a program no two domain packages import each other, directly or round a longer loop;
use cases that span domains sit in the program's `flows.py`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = {
    "gateway": ROOT / "gateway/src/gateway",
    "registry": ROOT / "services/registry/src/registry",
    "mentoring": ROOT / "services/mentoring/src/mentoring",
    "genting": ROOT / "services/genting/src/genting",
    "dashat": ROOT / "services/dashat/src/dashat",
}
SHARED = ROOT / "shared/src/kkb_shared"


def _imports(path: Path) -> set[str]:
    """The modules a file imports (absolute names), wherever the import statement stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_a_program_imports_no_other_program(program: str) -> None:
    others = set(PROGRAMS) - {program}
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in PROGRAMS[program].rglob("*.py")
        for name in _imports(path)
        if _top(name) in others
    }
    assert found == set()


def test_the_shared_package_imports_no_program() -> None:
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in SHARED.rglob("*.py")
        for name in _imports(path)
        if _top(name) in PROGRAMS
    }
    assert found == set()


@pytest.mark.parametrize("program", sorted(set(PROGRAMS) - {"gateway"}))
def test_no_loop_between_a_programs_domain_packages(program: str) -> None:
    root = PROGRAMS[program]
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    edges: dict[str, set[str]] = {package: set() for package in packages}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == program and len(parts) > 1 and parts[1] in packages and parts[1] != package:
                    edges[package].add(parts[1])
    loops: list[list[str]] = []

    def walk(path: list[str]) -> None:
        for nxt in sorted(edges[path[-1]]):
            if nxt == path[0]:
                loops.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each loop once, from its smallest package
                walk([*path, nxt])

    for package in sorted(packages):
        walk([package])
    assert loops == []
