"""The demo generator: seeded (same data every time), valid, and covering every target and risk factor."""

from __future__ import annotations

from datetime import date

from kkb_shared import clock
from registry.demo import DEMO_DESA, FAMILY_COUNT, SEED, _Generator
from registry.families import rules
from registry.families.enums import RiskFactor, Target


def test_demo_families_cover_every_target_and_risk_factor() -> None:
    today = clock.today()
    generator = _Generator(SEED, today)
    families = [generator.family(i) for i in range(FAMILY_COUNT)]
    targets: set[str] = set()
    risks: set[str] = set()
    for family in families:
        assessment = rules.classify_family_risk(family, [_Facts(i, m) for i, m in enumerate(family.members)], today)
        targets |= {f.code for f in assessment.targets}
        risks |= {f.code for f in assessment.risk_factors}
    assert targets == {t.value for t in Target}
    assert risks == {r.value for r in RiskFactor}
    assert {f.desa_code for f in families} == set(DEMO_DESA)
    assert len({m.nik for f in families for m in f.members}) == sum(len(f.members) for f in families)


def test_generator_is_deterministic() -> None:
    today = date(2026, 1, 1)
    assert _Generator(SEED, today).family(7) == _Generator(SEED, today).family(7)


class _Facts:
    def __init__(self, index: int, member: object) -> None:
        self.__dict__.update(vars(member))
        self.id = str(index)
