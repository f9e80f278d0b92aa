"""Fault suite, real processes: a service killed in the middle of writes, a bulk import killed half-way and
retried, and the database dropping every connection under load. Nothing partial, nothing twice, and the
services recover by themselves."""

from __future__ import annotations

import csv
import io
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from platform_stack import Stack, platform

from kkb_shared.testing.plugin import postgres_admin, run_async
from registry.imports.columns import COLUMNS

pytestmark = pytest.mark.xdist_group("e2e-faults")
PASSWORD = "fault-suite-password"
TEBAS_KUALA = "6101042001"
MEMBERS_PER_FAMILY = 3
UPSTREAM_TIMEOUT = 2.0  # the gateway's, seconds


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = {"KKB_GATEWAY_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT), "KKB_REGISTRY_IDEMPOTENCY_LEASE_SECONDS": "2"}
    with platform(database_factory, "faults", PASSWORD, tmp_path_factory.mktemp("keys"), settings) as running:
        yield running


def _family(serial: int) -> dict[str, Any]:
    people = (
        ("6101041", "Ahmad", "male", "1990-01-01", "kepala_keluarga", "kawin"),
        ("6101045", "Siti", "female", "1992-01-05", "istri", "kawin"),
        ("6101042", "Nur", "female", "2020-02-01", "anak", "belum_kawin"),
    )
    members = [
        {
            "nik": f"{prefix}{serial:09d}",
            "name": name,
            "sex": sex,
            "birth_date": born,
            "relation": relation,
            "marital_status": marital,
        }
        for prefix, name, sex, born, relation, marital in people
    ]
    return {
        "kk_number": f"61010401{serial % 100000000:08d}",
        "desa_code": TEBAS_KUALA,
        "address": "Jl. Raya",
        "rt": "001",
        "rw": "002",
        "water_source": "ledeng",
        "latrine": "sendiri_layak",
        "poverty_status": "tidak_miskin",
        "members": members,
    }


def _all_families(stack: Stack, headers: dict[str, str]) -> list[dict[str, Any]]:
    families: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"region": TEBAS_KUALA, "limit": "500", **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{stack.urls['gateway']}/registry/v1/families", params=params, headers=headers, timeout=30)
        assert page.status_code == 200, page.text
        families += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return families


def _retry(client: httpx.Client, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """As a careful client does: a 409 for a key whose first request died mid-way says when to come back."""
    for _ in range(10):
        answer = client.post("/registry/v1/families", json=body, headers=headers)
        if answer.status_code != 409:
            return answer
        time.sleep(float(answer.headers["retry-after"]))
    return answer


def test_a_service_killed_during_writes_leaves_nothing_partial_and_retries_write_once(stack: Stack) -> None:
    headers = stack.bearer("admin")
    sent: list[tuple[str, dict[str, Any], int]] = []  # idempotency key, body, status (0: no answer)
    stop = threading.Event()

    def write() -> None:
        serial = 1
        with httpx.Client(base_url=stack.urls["gateway"], timeout=10) as client:
            while not stop.is_set():
                key, body = uuid.uuid4().hex, _family(serial)
                try:
                    status = client.post(
                        "/registry/v1/families", json=body, headers=headers | {"Idempotency-Key": key}
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                sent.append((key, body, status))
                serial += 1

    writer = threading.Thread(target=write)
    writer.start()
    while len([s for s in sent if s[2] == 201]) < 20:
        time.sleep(0.05)
    stack.running["registry"].kill()  # SIGKILL: no shutdown, transactions cut wherever they were
    stack.running["registry"].wait()
    del stack.running["registry"]
    time.sleep(0.5)
    stack.start("registry")
    time.sleep(0.5)
    stop.set()
    writer.join()

    answers = {status for _, _, status in sent}
    assert 201 in answers and answers - {201} <= {0, 502, 503}, answers
    assert any(status != 201 for _, _, status in sent), "the kill hit no request"
    # Every answered failure is retried with its key: each family ends up written exactly once.
    with httpx.Client(base_url=stack.urls["gateway"], timeout=10) as client:
        for key, body, status in sent:
            if status != 201:
                retried = _retry(client, body, headers | {"Idempotency-Key": key})
                assert retried.status_code == 201, retried.text
        for key, body, _ in sent[:5]:  # and a retry of one that had succeeded replays it
            replay = client.post("/registry/v1/families", json=body, headers=headers | {"Idempotency-Key": key})
            assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
    families = _all_families(stack, headers)
    assert sorted(f["kk_number"] for f in families) == sorted(body["kk_number"] for _, body, _ in sent)
    with httpx.Client(base_url=stack.urls["gateway"], timeout=10) as client:
        for family in families:
            members = client.get(f"/registry/v1/families/{family['id']}/members", headers=headers).json()["items"]
            assert len(members) == MEMBERS_PER_FAMILY, family["kk_number"]  # never a family cut in half


def _import_file(families: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for f in range(families):
        kk = f"71010420{f:08d}"
        for m, (relation, marital) in enumerate(
            (("kepala_keluarga", "kawin"), ("istri", "kawin"), ("anak", "belum_kawin"))
        ):
            nik = f"9{f:08d}{m:07d}"
            family = [kk, "6101042015", "Jl. Impor", "1", "1", "ledeng", "sendiri_layak", "miskin"]
            person = [nik, f"Impor {f}-{m}", "L" if m == 0 else "P", "1990-04-05", relation, marital, "tidak"]
            writer.writerow([*family, *person, "", "", ""])
    return buffer.getvalue().encode()


def _job(stack: Stack, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{stack.urls['gateway']}/registry/v1/imports/{job_id}", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


def test_an_import_killed_half_way_then_retried_leaves_no_duplicate(stack: Stack) -> None:
    headers = stack.bearer("admin")
    families = 5000  # five transactions of 1,000 families on PostgreSQL, 25 of 200 on SQLite: time to kill it
    content = _import_file(families)
    upload = {"file": ("verval.csv", content, "text/csv")}
    first = httpx.post(f"{stack.urls['gateway']}/registry/v1/imports", files=upload, headers=headers, timeout=60)
    assert first.status_code == 202, first.text
    job_id = first.json()["id"]
    deadline = time.monotonic() + 60
    while _job(stack, headers, job_id)["rows_inserted"] == 0:
        assert time.monotonic() < deadline, "the import never started"
        time.sleep(0.05)
    stack.running["registry"].kill()
    stack.running["registry"].wait()
    del stack.running["registry"]
    stack.start("registry")
    interrupted = _job(stack, headers, job_id)
    assert interrupted["status"] == "failed", interrupted  # reported, never "running" forever

    again = httpx.post(f"{stack.urls['gateway']}/registry/v1/imports", files=upload, headers=headers, timeout=60)
    assert again.status_code == 202, again.text
    deadline = time.monotonic() + 300
    while (job := _job(stack, headers, again.json()["id"]))["status"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "succeeded" and job["rows_rejected"] == 0, job
    assert job["rows_inserted"] + job["rows_unchanged"] + job["rows_updated"] == 3 * families
    assert interrupted["rows_inserted"] + job["rows_inserted"] == 3 * families  # the first part was kept whole
    began = time.monotonic()
    export = httpx.get(  # from the registry itself: what is checked is the import, not the gateway's time limit
        f"{stack.urls['registry']}/v1/exports/families.csv",
        params={"region": "6101042015"},
        headers=headers,
        timeout=120,
    )
    assert export.status_code == 200, (time.monotonic() - began, export.text[:500])
    kks = [
        row["no_kk"] for row in csv.DictReader(line for line in io.StringIO(export.text) if not line.startswith("#"))
    ]
    imported = [kk for kk in kks if kk.startswith("71010420")]
    assert len(imported) == 3 * families and len(set(imported)) == families  # every member once


def test_database_connections_dropped_under_load_answer_503_then_recover(
    stack: Stack, request: pytest.FixtureRequest
) -> None:
    """PostgreSQL restarting looks, to a service, like every connection dropping at once and then new ones
    refused for a while: here the connections are terminated (the suite's PostgreSQL serves other tests and
    must stay up); the refused connections are `test_a_database_refusing_connections_is_503_never_500` in the
    registry's tests."""
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("connection loss is a PostgreSQL scenario; the SQLite run has no server to lose")
    headers = stack.bearer("admin")
    database = stack.databases["registry"].rsplit("/", 1)[1]
    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=stack.urls["gateway"], timeout=10) as client:
            while not stop.is_set():
                statuses.append(client.get("/registry/v1/families?limit=20", headers=headers).status_code)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    time.sleep(0.5)
    for _ in range(5):
        run_async(
            postgres_admin(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' "  # noqa: S608 - our own test database's name
                "AND pid <> pg_backend_pid()"
            )
        )
        time.sleep(0.2)
    time.sleep(1)
    stop.set()
    for reader in readers:
        reader.join()
    assert set(statuses) <= {200, 503}, set(statuses)  # refused cleanly, never a 500
    after = httpx.get(f"{stack.urls['gateway']}/registry/v1/families?limit=5", headers=headers, timeout=10)
    assert after.status_code == 200  # recovered by itself
    assert statuses.count(200) > 0


def test_a_frozen_service_is_a_504_within_the_timeout_while_the_others_answer(stack: Stack) -> None:
    """SIGSTOP: the genting process still holds its port (the kernel accepts connections for it) but answers
    nothing, like a service stuck in a long pause. The gateway gives up after its upstream timeout; the
    registry, behind the same gateway, answers meanwhile."""
    headers = stack.bearer("admin")
    genting = stack.running["genting"]
    genting.send_signal(signal.SIGSTOP)
    try:
        with httpx.Client(base_url=stack.urls["gateway"], timeout=30) as client:
            outcome: dict[str, Any] = {}

            def slow() -> None:
                began = time.monotonic()
                outcome["answer"] = client.get("/genting/v1/otas", headers=headers)
                outcome["waited"] = time.monotonic() - began

            waiting = threading.Thread(target=slow)
            waiting.start()
            time.sleep(0.3)
            for _ in range(5):
                began = time.monotonic()
                assert client.get("/registry/v1/families?limit=5", headers=headers).status_code == 200
                assert time.monotonic() - began < UPSTREAM_TIMEOUT
            waiting.join()
        assert outcome["answer"].status_code == 504, outcome["answer"].text
        assert outcome["answer"].headers["content-type"] == "application/problem+json"
        assert UPSTREAM_TIMEOUT <= outcome["waited"] < UPSTREAM_TIMEOUT + 3
    finally:
        genting.send_signal(signal.SIGCONT)
    assert httpx.get(f"{stack.urls['gateway']}/genting/v1/otas", headers=headers, timeout=30).status_code == 200
