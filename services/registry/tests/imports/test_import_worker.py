"""A large import file is read and checked in a worker process beside the service (its families' records built
there), the service keeping what needs the database: the answers are the same as in the service's own thread."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared import clock
from kkb_shared.testing import processes
from registry.imports import workers

from import_helpers import csv_file, finished, person, rejections, stored, upload

SPREAD, TOGETHER, BAD = "6101040101250041", "6101040101250042", "6101040101250043"


def rows() -> list[dict[str, Any]]:
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    return [
        person(SPREAD, "6101044703950041", "Spread One"),  # row 2
        person(TOGETHER, "6101044703950042", "Together One"),  # row 3
        person(TOGETHER, "6101040502930042", "Together Two", jenis_kelamin="L", hubungan_keluarga="kepala_keluarga"),
        person(BAD, "6101044703950043", "Future Birth", tanggal_lahir=tomorrow),  # row 5
        person(SPREAD, "6101040502930041", "Spread Two", jenis_kelamin="L", hubungan_keluarga="kepala_keluarga"),
        person("6101040101250044", "6101044703950042", "Same Nik Again"),  # row 7
        person("6101040101250045", "6101044703950045", "Unknown Desa", kode_desa="6101049999"),  # row 8
        person(  # row 9: a child whose mother is not in the family
            "6101040101250046",
            "6101041501250046",
            "Dewi",
            tanggal_lahir="2025-01-15",
            hubungan_keluarga="anak",
            status_kawin="belum_kawin",
            nik_ibu="6101044703950041",
        ),
    ]


EXPECTED_REJECTIONS = {
    (5, "tanggal_lahir", "must not be in the future"),
    (7, "nik", "same NIK as row 3"),
    (8, "kode_desa", "6101049999 is not a desa/kelurahan code of the Kemendagri list"),
    (9, "nik_ibu", "no member of this family has this NIK"),
}


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each import's preparer ran in the service's own thread."""
    runs: list[bool] = []
    original = workers.Preparer.__init__

    def record(self: workers.Preparer, *, in_process: bool) -> None:
        runs.append(in_process)
        original(self, in_process=in_process)

    monkeypatch.setattr(workers.Preparer, "__init__", record)
    return runs


@pytest.mark.parametrize("worker_from_bytes", [0, 1 << 30], ids=["worker process", "service thread"])
async def test_a_file_prepared_in_a_worker_gives_the_answers_of_the_service_thread(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    started: list[bool],
    worker_from_bytes: int,
) -> None:
    """Bad rows of every kind the worker finds (a date in the future on the suite's fixed day, which the worker
    follows), the desa the service checks, a family spread over the file, and a second import of the same
    file, whose families the service finds registered and checks again itself."""
    from registry.imports import service

    monkeypatch.setattr(registry_app.state.settings, "import_worker_from_bytes", worker_from_bytes)
    monkeypatch.setattr(service, "FAMILY_BATCH", 2)  # several batches in flight
    monkeypatch.setattr(service, "FAMILY_BATCH_CONCURRENT", 2)
    job = await finished(client, admin, await upload(client, admin, csv_file(rows())))
    assert job["status"] == "succeeded", job
    assert (job["rows_read"], job["rows_inserted"], job["rows_rejected"], job["families_done"]) == (8, 4, 4, 6)
    assert await rejections(client, admin, job["id"]) == EXPECTED_REJECTIONS
    assert await stored(registry_app) == (2, 4)
    spread = (await client.get("/v1/members", params={"q": "spread"}, headers=admin)).json()["items"]
    assert len(spread) == 2 and spread[0]["family_id"] == spread[1]["family_id"]
    family = (await client.get(f"/v1/families/{spread[0]['family_id']}", headers=admin)).json()
    assert family["is_krs"] is True and family["krs"]["assessed_on"] == clock.today().isoformat()

    changed = [dict(row, nama="Together Renamed") if row["nama"] == "Together One" else row for row in rows()]
    again = await finished(client, admin, await upload(client, admin, csv_file(changed)))
    counts = (again["rows_inserted"], again["rows_updated"], again["rows_unchanged"], again["rows_rejected"])
    assert counts == (0, 1, 3, 4), again
    assert await rejections(client, admin, again["id"]) == EXPECTED_REJECTIONS
    assert started == [worker_from_bytes > 0] * 2
    assert multiprocessing.active_children() == []  # each import's worker stopped with its job


async def test_a_worker_that_dies_fails_the_job_and_keeps_what_was_applied(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry.imports import service

    monkeypatch.setattr(registry_app.state.settings, "import_worker_from_bytes", 0)
    monkeypatch.setattr(service, "prepare", processes.die)
    job = await finished(client, admin, await upload(client, admin, csv_file(rows())))
    assert job["status"] == "failed" and job["failure"].startswith("BrokenProcessPool"), job
    assert await stored(registry_app) == (0, 0)
    assert multiprocessing.active_children() == []
