"""A large import file is read and checked in a worker process beside the service (its families' records built
there), the service keeping what needs the database: the answers are the same as in the service's own thread."""

from __future__ import annotations

import asyncio
import io
import operator
import pickle
from dataclasses import dataclass, field
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


@dataclass
class Started:
    in_process: list[bool] = field(default_factory=list)  # for each import, whether it prepared in a thread
    workers: list[asyncio.subprocess.Process] = field(default_factory=list)  # the worker processes started


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Started:
    seen = Started()
    init, start = workers.Preparer.__init__, workers.Preparer._started

    def record(self: workers.Preparer, *, in_process: bool) -> None:
        seen.in_process.append(in_process)
        init(self, in_process=in_process)

    async def record_worker(self: workers.Preparer) -> asyncio.subprocess.Process:
        worker = await start(self)
        if worker not in seen.workers:
            seen.workers.append(worker)
        return worker

    monkeypatch.setattr(workers.Preparer, "__init__", record)
    monkeypatch.setattr(workers.Preparer, "_started", record_worker)
    return seen


@pytest.mark.parametrize("worker_from_bytes", [0, 1 << 30], ids=["worker process", "service thread"])
async def test_a_file_prepared_in_a_worker_gives_the_answers_of_the_service_thread(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    started: Started,
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
    assert started.in_process == [worker_from_bytes > 0] * 2
    assert len(started.workers) == (0 if worker_from_bytes else 2)  # one of each import's own
    await asyncio.gather(*registry_app.state.import_tasks)  # the job's end, after its status is written
    assert all(worker.returncode == 0 for worker in started.workers)  # stopped with its job


async def test_a_worker_that_dies_fails_the_job(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    started: Started,
) -> None:
    from registry.imports import service

    monkeypatch.setattr(registry_app.state.settings, "import_worker_from_bytes", 0)
    monkeypatch.setattr(service, "next_batch", processes.die)
    job = await finished(client, admin, await upload(client, admin, csv_file(rows())))
    assert job["status"] == "failed" and job["failure"].startswith("WorkerFailed"), job
    assert await stored(registry_app) == (0, 0)
    await asyncio.gather(*registry_app.state.import_tasks)
    assert [worker.returncode for worker in started.workers] == [3]


class _Unpicklable(Exception):
    def __reduce__(self) -> Any:
        raise TypeError("not picklable")


def _raise_unpicklable() -> None:
    raise _Unpicklable("held a lock")


def test_the_worker_answers_each_call_in_order_and_sends_failures_back() -> None:
    """Plain calls, then an object opened in the worker and a call on it."""
    mode = workers.Mode
    calls = [
        (mode.CALL, divmod, (7, 2)),
        (mode.CALL, int, ("x",)),
        (mode.CALL, _raise_unpicklable, ()),
        (mode.OPEN, list, ((10, 20, 30),)),
        (mode.ON_OPENED, operator.getitem, (1,)),
    ]
    requests = io.BytesIO(b"".join(_framed(call) for call in calls))
    answers = io.BytesIO()
    workers.serve(requests, answers)
    answers.seek(0)
    got = [pickle.loads(answers.read(int.from_bytes(answers.read(workers.FRAME)))) for _ in calls]  # noqa: S301 (what serve wrote)
    assert answers.read() == b""
    assert got[0] == (True, (3, 1))
    assert got[1][0] is False and isinstance(got[1][1], ValueError)
    assert got[2][0] is False and isinstance(got[2][1], workers.WorkerFailed)
    assert str(got[2][1]) == "_Unpicklable: held a lock"
    assert got[3:] == [(True, None), (True, 20)]


def _framed(call: tuple[workers.Mode, Any, tuple[Any, ...]]) -> bytes:
    payload = pickle.dumps(call)
    return len(payload).to_bytes(workers.FRAME) + payload
