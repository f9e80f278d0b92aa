"""What DASHAT asks of GENTING: whether the lines of a day's list may be booked on its aids, and booking a
distribution's cost in an aid's ledger (the outbox)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from kkb_shared.errors import BadGateway
from kkb_shared.service_client import ServiceClient


class Verdict(BaseModel):
    aid_id: str
    member_id: str
    accepted: bool
    reason: str | None = None


class _Verdicts(BaseModel):
    items: list[Verdict]


class _Aid(BaseModel):
    id: str
    ota_id: str


class Booked(StrEnum):
    BOOKED = "booked"  # booked now, or the same key's booking replayed
    BUSY = "busy"  # the same key is being booked: ask again later
    REFUSED = "refused"  # GENTING will not book it: the reason says why


@dataclass(frozen=True)
class Booking:
    outcome: Booked
    reason: str | None = None


class GentingClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def recipient_verdicts(self, lines: list[dict[str, Any]]) -> list[Verdict]:
        """GENTING's verdict on each line (aid, recipient, desa, day), in order; reads only."""
        found = await self.http.post_as(_Verdicts, "/v1/aids/recipient-checks", {"lines": lines})
        if found is None:
            raise BadGateway("The genting service has no recipient checks")
        return found.items

    async def book_materials(self, *, key: str, payload: dict[str, Any]) -> Booking:
        """Book a materials expenditure on the payload's aid, once per `key` however often it is sent.
        Unreachable, timed out or 5xx: UpstreamUnavailable (send again later)."""
        aid = await self.http.get_as(_Aid, f"/v1/aids/{payload['aid_id']}")
        if aid is None:
            return Booking(Booked.REFUSED, "GENTING has no such aid")
        entry = {
            "ota_id": aid.ota_id,
            "kind": "expenditure",
            "aid_id": payload["aid_id"],
            "category": "materials",
            "amount": payload["amount"],
            "occurred_on": payload["occurred_on"],
            "description": payload["description"],
            **({"recipient": payload["recipient"]} if "recipient" in payload else {}),
        }
        answer = await self.http.request(
            "POST", "/v1/ledger/entries", json=entry, headers={"Idempotency-Key": key}, safe=True
        )  # the key makes sending again harmless
        if answer.status_code in (200, 201):
            return Booking(Booked.BOOKED)
        if answer.status_code == 409:
            return Booking(Booked.BUSY, "GENTING is still booking this message")
        return Booking(Booked.REFUSED, f"GENTING answered {answer.status_code}: {answer.text[:900]}")

    async def aclose(self) -> None:
        await self.http.aclose()
