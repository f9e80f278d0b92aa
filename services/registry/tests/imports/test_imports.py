"""Bulk import: what is written, what is rejected and why, and that nothing is written twice."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import func, select

from kkb_shared import clock
from kkb_shared.db import utcnow
from kkb_shared.testing.tokens import TokenFactory
from registry.imports.models import ImportJob, ImportStatus
from registry.imports.service import fail_interrupted

from import_helpers import HEADERS, csv_file, finished, person, rejections, stored, upload
from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"

GOOD = [
    person("6101040101250001", "6101044703950001", "Siti Aminah"),
    person(
        "6101040101250001",
        "6101040502930001",
        "Ahmad Hidayat",
        jenis_kelamin="L",
        tanggal_lahir="1993-02-05",
        hubungan_keluarga="kepala_keluarga",
    ),
    person("6101040101250002", "6101045008000001", "Rohani", tanggal_lahir="10-08-2000", jamban="tidak_ada"),
]


async def test_a_good_file_imports_and_importing_it_again_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    job = await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert (
        job["rows_read"],
        job["rows_inserted"],
        job["rows_updated"],
        job["rows_unchanged"],
        job["rows_rejected"],
    ) == (3, 3, 0, 0, 0)
    assert await stored(registry_app) == (2, 3)
    again = await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    assert (again["rows_inserted"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, 3)
    assert await stored(registry_app) == (2, 3)
    family = (await client.get("/v1/members", params={"q": "6101045008000001"}, headers=admin)).json()["items"][0]
    detail = (await client.get(f"/v1/families/{family['family_id']}", headers=admin)).json()
    assert detail["is_krs"] is True and detail["address"] == "Jl. Parit Baru No. 2"
    feed = (await client.get("/v1/changes", params={"limit": 500}, headers=admin)).json()["items"]
    assert len(feed) == 5  # 2 families and 3 members created; the second import wrote nothing


async def test_changed_rows_update(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    changed = [dict(GOOD[0], nama="Siti Aminah Binti Hasan"), GOOD[1], GOOD[2]]
    job = await finished(client, admin, await upload(client, admin, csv_file(changed)))
    assert (job["rows_inserted"], job["rows_updated"], job["rows_unchanged"]) == (0, 1, 2)
    found = (await client.get("/v1/members", params={"q": "binti"}, headers=admin)).json()["items"]
    assert [m["nik"] for m in found] == ["6101044703950001"] and found[0]["version"] == 2


async def test_mothers_and_children_born_alive_import_and_a_file_without_them_keeps_them(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    kk = "6101040101950009"
    mother = person(kk, "6101044703950009", "Rina", jumlah_anak_lahir_hidup="4")
    baby = person(
        kk,
        "6101041501250009",
        "Bayu",
        jenis_kelamin="L",
        tanggal_lahir="2025-01-15",
        hubungan_keluarga="anak",
        status_kawin="belum_kawin",
        nik_ibu="6101044703950009",
    )
    job = await finished(client, admin, await upload(client, admin, csv_file([mother, baby])))
    assert job["rows_inserted"] == 2, job
    found = (await client.get("/v1/members", params={"q": kk}, headers=admin)).json()["items"]
    by_name = {m["name"]: m for m in found}
    assert by_name["Bayu"]["mother_nik"] == "6101044703950009" and by_name["Rina"]["children_born_alive"] == 4
    detail = (await client.get(f"/v1/families/{by_name['Rina']['family_id']}", headers=admin)).json()
    assert "terlalu_banyak" in {r["code"] for r in detail["krs"]["risk_factors"]}

    older_layout = [h for h in HEADERS if h not in ("nik_ibu", "jumlah_anak_lahir_hidup")]
    again = await finished(client, admin, await upload(client, admin, csv_file([mother, baby], older_layout)))
    assert (again["rows_unchanged"], again["rows_rejected"]) == (2, 0)
    found = (await client.get("/v1/members", params={"q": kk}, headers=admin)).json()["items"]
    assert {m["name"]: m["mother_nik"] for m in found}["Bayu"] == "6101044703950009"

    exported = (await client.get("/v1/exports/families.csv", headers=admin)).text
    header, *lines = list(csv.reader(io.StringIO(exported)))
    assert header == HEADERS
    bayu = next(line for line in lines if line[header.index("nama")] == "Bayu")
    assert bayu[header.index("nik_ibu")] == "6101044703950009"


async def test_a_row_naming_a_mother_outside_its_family_is_rejected_with_its_family(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    kk = "6101040101950010"
    mother = person(kk, "6101044703950010", "Rina", jumlah_anak_lahir_hidup="0")
    baby = person(
        kk,
        "6101041501250010",
        "Bayu",
        jenis_kelamin="L",
        tanggal_lahir="2025-01-15",
        hubungan_keluarga="anak",
        status_kawin="belum_kawin",
        nik_ibu="6101044703950010",
    )
    stray = person(
        "6101040101950011",
        "6101041501250011",
        "Dewi",
        tanggal_lahir="2025-01-15",
        hubungan_keluarga="anak",
        status_kawin="belum_kawin",
        nik_ibu="6101044703950010",
    )
    job = await finished(client, admin, await upload(client, admin, csv_file([mother, baby, stray])))
    assert job["rows_rejected"] == 3
    reasons = await rejections(client, admin, job["id"])
    assert (2, "jumlah_anak_lahir_hidup", "0 is fewer than her 1 children in the family") in reasons
    assert (4, "nik_ibu", "no member of this family has this NIK") in reasons


async def test_every_kind_of_bad_row_is_reported_and_its_family_not_written(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    rows = [
        person("6101040101250011", "6101044703950011", "Bad Nik Family"),  # row 2: sibling of a bad row
        person("6101040101250011", "61010447039", "Short Nik"),  # row 3
        person("6101040101250012", "6101044703950012", "Unknown Desa", kode_desa="6101049999"),  # row 4
        person("6101040101250013", "6101044703950013", "Future Birth", tanggal_lahir=tomorrow),  # row 5
        person("6101040101250014", "6101044703950014", "First Holder"),  # row 6
        person("6101040101250015", "6101044703950014", "Same Nik Again"),  # row 7
        person("6101040101250016", "6101044703950016", "Bad Sex", jenis_kelamin="X"),  # row 8
        person("6101040101250017", "6101044703950017", "Bad Date", tanggal_lahir="07/03/95"),  # row 9
        person("6101040101250018", "6101044703950018", "Good Family"),  # row 10
    ]
    job = await finished(client, admin, await upload(client, admin, csv_file(rows)))
    assert job["status"] == "succeeded"
    assert (job["rows_read"], job["rows_inserted"], job["rows_rejected"]) == (9, 2, 7)
    got = await rejections(client, admin, job["id"])
    assert got == {
        (2, "row", "not imported: row 3 of the same family is invalid"),
        (3, "nik", "String should match pattern '^\\d{16}$'"),
        (4, "kode_desa", "6101049999 is not a desa/kelurahan code of the Kemendagri list"),
        (5, "tanggal_lahir", "must not be in the future"),
        (7, "nik", "same NIK as row 6"),
        (8, "jenis_kelamin", "Input should be 'male' or 'female'"),
        (9, "tanggal_lahir", "not a date: write YYYY-MM-DD or DD-MM-YYYY"),
    }
    assert await stored(registry_app) == (2, 2)  # rows 6 and 10, each its own family
    errors_csv = await client.get(f"/v1/imports/{job['id']}/errors.csv", headers=admin)
    lines = list(csv.reader(io.StringIO(errors_csv.text)))
    assert lines[0] == ["row", "column", "reason"] and len(lines) == 8


async def test_conflicting_family_columns_reject_the_family(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    rows = [GOOD[0], dict(GOOD[1], alamat="Somewhere else")]
    job = await finished(client, admin, await upload(client, admin, csv_file(rows)))
    assert (3, "alamat", "differs from row 2 of the same No. KK") in await rejections(client, admin, job["id"])
    assert await stored(registry_app) == (0, 0)


async def test_a_family_whose_rows_are_spread_over_the_file_is_gathered_across_batches(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry.imports import service

    monkeypatch.setattr(service, "FAMILY_BATCH", 2)
    monkeypatch.setattr(service, "FAMILY_BATCH_CONCURRENT", 2)
    a, b, c, d, e = (f"610104010125003{i}" for i in range(5))
    rows = [
        person(a, "6101044703950031", "Spread One"),  # row 2
        person(b, "6101044703950032", "Together One"),  # row 3
        person(b, "6101040502930032", "Together Two", jenis_kelamin="L", hubungan_keluarga="kepala_keluarga"),
        person(c, "6101044703950033", "Spread Bad Family"),  # row 5
        person(a, "6101040502930031", "Spread Two", jenis_kelamin="L", hubungan_keluarga="kepala_keluarga"),
        person(d, "6101044703950034", "Alone"),  # row 7
        person(c, "61010447039", "Short Nik"),  # row 8
        person(e, "6101044703950035", "Last"),  # row 9
    ]
    job = await finished(client, admin, await upload(client, admin, csv_file(rows)))
    counts = ("rows_read", "rows_inserted", "rows_rejected", "families_total", "families_done")
    assert [job[name] for name in counts] == [8, 6, 2, 5, 5] and job["progress"] == 1.0
    assert await rejections(client, admin, job["id"]) == {
        (5, "row", "not imported: row 8 of the same family is invalid"),
        (8, "nik", "String should match pattern '^\\d{16}$'"),
    }
    assert await stored(registry_app) == (4, 6)
    spread = (await client.get("/v1/members", params={"q": "spread"}, headers=admin)).json()["items"]
    assert len(spread) == 2 and spread[0]["family_id"] == spread[1]["family_id"]
    again = await finished(client, admin, await upload(client, admin, csv_file(rows)))
    assert (again["rows_inserted"], again["rows_unchanged"], again["rows_rejected"]) == (0, 6, 2)


async def test_dry_run_counts_but_writes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    job = await finished(client, admin, await upload(client, admin, csv_file(GOOD), dry_run="true"))
    assert job["dry_run"] is True and job["rows_inserted"] == 3
    assert await stored(registry_app) == (0, 0)
    assert (await client.get("/v1/changes", headers=admin)).json()["items"] == []


async def test_rows_outside_the_callers_region_are_rejected(
    client: httpx.AsyncClient, tokens: TokenFactory, registry_app: FastAPI
) -> None:
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    rows = [GOOD[2], person("6101040101250021", "6101044703950021", "Elsewhere", kode_desa=TEBAS_KUALA)]
    job = await finished(client, kader, await upload(client, kader, csv_file(rows)))
    assert await rejections(client, kader, job["id"]) == {(3, "kode_desa", f"{TEBAS_KUALA} is outside your region")}
    assert await stored(registry_app) == (1, 1)
    other = tokens.headers("tpk", TEBAS_KUALA)
    assert (await client.get(f"/v1/imports/{job['id']}", headers=other)).status_code == 404


@pytest.mark.parametrize(
    ("content", "errors"),
    [
        (
            csv_file([], ["no_kk", "kode_desa", "alamat", "nama", "foo"]),
            {
                ("nik", "missing column"),
                ("jenis_kelamin", "missing column"),
                ("tanggal_lahir", "missing column"),
                ("hubungan_keluarga", "missing column"),
                ("status_kawin", "missing column"),
                ("foo", "unknown column"),
            },
        ),
        (csv_file([], [*HEADERS, "nik"]), {("nik", "column given twice")}),
        (b"", {("file", "the file is empty")}),
        (PNG, {("file", "the file is neither a CSV text file nor an XLSX workbook")}),
        (b"PK\x03\x04 this is no zip", {("file", "the file looks like a workbook but cannot be opened as XLSX")}),
    ],
)
async def test_files_that_cannot_be_imported_are_refused_at_once(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
    content: bytes,
    errors: set[tuple[str, str]],
) -> None:
    response = await upload(client, admin, content)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert {(e["field"], e["message"]) for e in response.json()["errors"]} == errors
    async with registry_app.state.database.sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(ImportJob))).scalar_one() == 0


async def test_templates_carry_the_header_and_import_cleanly(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    template = await client.get("/v1/imports/template.csv", headers=admin)
    assert template.status_code == 200 and "# nik: " in template.text
    job = await finished(client, admin, await upload(client, admin, template.content))
    assert job["status"] == "succeeded" and job["rows_read"] == 0
    xlsx = await client.get("/v1/imports/template.xlsx", headers=admin)
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert [cell.value for cell in next(workbook["data"].iter_rows())] == HEADERS
    assert workbook.sheetnames == ["data", "keterangan"]


async def test_overlapping_imports_at_once_leave_no_duplicates(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    more = [person(f"61010401012501{i:02d}", f"61010447039501{i:02d}", f"Warga {i}") for i in range(40)]
    first, second = csv_file(GOOD + more[:30]), csv_file(more[10:] + GOOD)
    started = await asyncio.gather(upload(client, admin, first), upload(client, admin, second))
    jobs = [await finished(client, admin, response) for response in started]
    assert all(job["status"] == "succeeded" and job["rows_rejected"] == 0 for job in jobs)
    assert await stored(registry_app) == (42, 43)


async def test_a_job_cut_off_by_a_restart_is_reported_failed(
    registry_app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    async with registry_app.state.database.sessionmaker() as session:
        session.add(
            ImportJob(
                id="0192f000-0000-7000-8000-0000000000aa",
                status=ImportStatus.RUNNING,
                file_name="x.csv",
                file_kind="csv",
                created_by="a",
                region="",
                created_at=utcnow(),
            )
        )
        await session.commit()
    assert await fail_interrupted(registry_app.state.database) == 1
    job = (await client.get("/v1/imports/0192f000-0000-7000-8000-0000000000aa", headers=admin)).json()
    assert job["status"] == "failed" and "restarted" in job["failure"]


async def test_file_over_the_limit_is_413(
    registry_app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_app.state.settings, "import_max_bytes", 2048)
    response = await upload(client, admin, csv_file(GOOD * 20))
    assert response.status_code == 413


async def test_a_lost_race_on_the_batch_falls_back_to_family_by_family(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a concurrent write wins a uniqueness race, the batch is redone family by family."""
    from sqlalchemy.exc import IntegrityError

    from registry.imports import applying

    real_write = applying._write
    batches: list[int] = []

    async def racing_write(session: Any, families: list[Any], **kwargs: Any) -> Any:
        batches.append(len(families))
        if len(families) > 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key (simulated)"))
        return await real_write(session, families, **kwargs)

    monkeypatch.setattr(applying, "_write", racing_write)
    job = await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    assert (job["status"], job["rows_inserted"], job["rows_rejected"]) == ("succeeded", 3, 0)
    assert batches == [2, 1, 1]
    assert await stored(registry_app) == (2, 3)


async def test_import_progress_is_a_metric(client: httpx.AsyncClient) -> None:
    text = (await client.get("/metrics")).text
    assert 'kkb_import_jobs{service="registry",status="running"}' in text
    assert 'kkb_import_families_remaining{service="registry"}' in text
