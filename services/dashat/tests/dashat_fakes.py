"""In-process fakes of the services DASHAT asks, for its unit and API tests: each is DASHAT's own typed client
(the same methods, the same answer types) over facts a test sets directly, instead of the registry and
mentoring apps. The real services answer DASHAT in the end-to-end tests (tests/e2e); GENTING's stand-in for the
outbox's retries is in test_genting_outbox.py.

A test states the registry's facts it is about (a KRS family, a pregnancy, a catin) rather than having the
registry compute them: the registry's own tests hold it to its rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashat.clients.mentoring import DesaStunting, MentoringClient
from dashat.clients.registry import Family, Member, MemberFacts, RegistryClient
from kkb_shared import clock
from kkb_shared.ages import completed_months
from kkb_shared.ids import new_id

BADUTA_MONTHS = 24


def _nursing_baduta(member: dict[str, Any], family: list[dict[str, Any]], today: date) -> bool:
    """She is the recorded mother (`mother_nik`) of a child under 24 months of the family."""
    return member.get("sex") == "female" and any(
        child.get("mother_nik") == member.get("nik")
        and completed_months(date.fromisoformat(str(child["birth_date"])), today) < BADUTA_MONTHS
        for child in family
    )


class FakeRegistry(RegistryClient):
    """The registry's members as DASHAT reads them (their facts in bulk, a desa's KRS row and families)."""

    def __init__(self) -> None:
        self.members: dict[str, MemberFacts] = {}
        self.families: dict[str, tuple[str, bool, list[str]]] = {}  # id: (desa, is KRS, member ids)

    def add_family(self, payload: dict[str, Any], *, is_krs: bool = True) -> dict[str, Any]:
        """A family as a registry payload gives it; answers it as the registry's API would, the family and each
        member with a new id. A member is a catin with a planned marriage date, and nurses a baduta when she is
        the recorded mother of one."""
        family_id, desa, today = new_id(), payload["desa_code"], clock.today()
        made = [m | {"id": new_id()} for m in payload["members"]]
        for member in made:
            self.members[member["id"]] = MemberFacts(
                id=member["id"],
                family_id=family_id,
                desa_code=desa,
                sex=member["sex"],
                birth_date=member["birth_date"],
                is_krs=is_krs,
                poverty_status=payload.get("poverty_status"),
                is_pregnant=bool(member.get("is_pregnant")),
                nursing_baduta=_nursing_baduta(member, made, today),
                is_catin=bool(member.get("planned_marriage_date")),
            )
        self.families[family_id] = (desa, is_krs, [m["id"] for m in made])
        return payload | {"id": family_id, "is_krs": is_krs, "members": made}

    async def member_facts(self, member_ids: list[str]) -> list[MemberFacts]:
        return [self.members[i] for i in dict.fromkeys(member_ids) if i in self.members]

    async def desa_krs(self, desa_code: str) -> dict[str, Any]:
        krs = [f for f in self.families.values() if f[0] == desa_code and f[1]]
        return {"code": desa_code, "krs_families": len(krs)} if krs else {}

    async def krs_families(self, desa_code: str, limit: int) -> list[Family]:
        found = [(i, f) for i, f in sorted(self.families.items()) if f[0] == desa_code and f[1]][:limit]
        return [
            Family(id=i, members=[Member(id=m, birth_date=self.members[m].birth_date) for m in members])
            for i, (_, _, members) in found
        ]

    def clear(self) -> None:
        self.members.clear()
        self.families.clear()

    async def aclose(self) -> None:
        pass


class FakeMentoring(MentoringClient):
    """Each desa's children measured this year and their stunting, as a test sets them."""

    def __init__(self) -> None:
        self.outcomes: dict[str, dict[str, Any]] = {}  # the outcomes report's row, by desa

    async def desa_stunting(self, desa_code: str, month: str) -> DesaStunting:
        row = self.outcomes.get(desa_code, {})
        start = date(int(month[:4]), 1, 1)
        return DesaStunting(period_start=start if row else None, period_end=clock.today() if row else None, row=row)

    def clear(self) -> None:
        self.outcomes.clear()

    async def aclose(self) -> None:
        pass
