"""Factories for valid registry payloads; a test changes only what it is about."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from kkb_shared import clock

DUNGUN_PERAPAKAN = "6101042015"  # Kecamatan Tebas, Kabupaten Sambas
TEBAS_KUALA = "6101042001"  # same kecamatan, another desa
BLORA_DESA = "3316012001"  # Kabupaten Blora, Jawa Tengah
# Reference data the registry's migrations fill in (tests write none of it): kept by the cleanup between tests.
REGISTRY_SEEDED = {"region": "FALSE"}

_serial = itertools.count(1)


def nik_for(birth_date: date, sex: str, kecamatan: str = "610104") -> str:
    day = birth_date.day + (40 if sex == "female" else 0)
    return f"{kecamatan}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{next(_serial) % 10_000:04d}"


def member_payload(*, age_days: int = 30 * 365, sex: str = "female", **overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth_date", clock.today() - timedelta(days=age_days))
    birth = date.fromisoformat(birth) if isinstance(birth, str) else birth
    body = {
        "nik": nik_for(birth, sex),
        "name": "Siti Aminah",
        "sex": sex,
        "birth_date": birth.isoformat(),
        "relation": "istri" if sex == "female" else "kepala_keluarga",
        "marital_status": "kawin",
    }
    body.update(overrides)
    return body


def family_payload(
    desa_code: str = DUNGUN_PERAPAKAN, *, members: list[dict[str, Any]] | None = None, **overrides: Any
) -> dict[str, Any]:
    serial = next(_serial)
    body: dict[str, Any] = {
        "kk_number": f"6101040101{serial:06d}",
        "desa_code": desa_code,
        "address": "Jl. Raya Tebas No. 7",
        "rt": "002",
        "rw": "001",
        "water_source": "sumur_terlindung",
        "latrine": "sendiri_layak",
        "poverty_status": "tidak_miskin",
        "members": members
        if members is not None
        else [member_payload(sex="male", age_days=34 * 365), member_payload()],
    }
    body.update(overrides)
    return body
