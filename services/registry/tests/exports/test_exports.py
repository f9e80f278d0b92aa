"""Exports in the import layout: an export re-imports with every row unchanged; scope and filters apply.

Text survives the trip out and back: families whose names and addresses hold any printable text the API
accepts (quotes, separators, line breaks in an address, apostrophes, formula starts, non-ASCII letters) are
exported as CSV and as XLSX, and each export re-imported in a dry run reports every row unchanged. The same for
the CSV saved with semicolons, and for a template filled in a spreadsheet. Text a spreadsheet would take for a
formula is neutralised, and control characters are refused at input."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kkb_shared.testing.tokens import TokenFactory
from registry.imports.columns import COLUMNS

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA, family_payload, member_payload

CreateFamily = Callable[..., Any]


async def reimport(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str, **params: Any
) -> dict[str, Any]:
    started = await client.post("/v1/imports", params=params, files={"file": (name, content)}, headers=headers)
    assert started.status_code == 202, started.text
    for _ in range(400):
        job: dict[str, Any] = (await client.get(started.headers["location"], headers=headers)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(job)


async def test_csv_and_xlsx_exports_reimport_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    pregnant = member_payload(is_pregnant=True, pregnancy_start_date="2026-09-01", contraception=None)
    baby = member_payload(age_days=300, sex="male", relation="anak", marital_status="belum_kawin")
    await create_family(DUNGUN_PERAPAKAN, members=[pregnant, baby], water_source="air_hujan", rt="007")
    await create_family(TEBAS_KUALA, poverty_status=None, latrine=None)

    exported = await client.get("/v1/exports/families.csv", headers=admin)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 4 and list(rows[0]) == [c.header for c in COLUMNS]
    job = await reimport(client, admin, exported.content, "export.csv")
    assert (job["rows_read"], job["rows_unchanged"], job["rows_rejected"]) == (4, 4, 0)

    workbook = await client.get("/v1/exports/families.xlsx", headers=admin)
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True)["data"]
    assert len(list(sheet.iter_rows())) == 5
    job = await reimport(client, admin, workbook.content, "export.xlsx")
    assert (job["rows_read"], job["rows_unchanged"], job["rows_rejected"]) == (4, 4, 0)


async def test_export_is_scoped_and_filtered(
    client: httpx.AsyncClient, tokens: TokenFactory, create_family: CreateFamily
) -> None:
    krs = await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")
    plain = await create_family(DUNGUN_PERAPAKAN)
    elsewhere = await create_family(TEBAS_KUALA)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    text = (await client.get("/v1/exports/families.csv", headers=kader)).text
    assert krs["kk_number"] in text and plain["kk_number"] in text and elsewhere["kk_number"] not in text
    only_krs = (await client.get("/v1/exports/families.csv", params={"is_krs": "true"}, headers=kader)).text
    assert krs["kk_number"] in only_krs and plain["kk_number"] not in only_krs
    assert (await client.get("/v1/exports/families.csv", headers=tokens.headers("viewer", "6101"))).status_code == 403


# Printable: no control characters (Cc), surrogates (Cs) or unassigned code points (Cn: U+FFFE and U+FFFF
# among them). Quotes, separators and formula starts are drawn often, as they are what breaks files.
TRICKY = "\"',;=+-@ \tJl.ÄéšŋĐ中ー한😀"
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Cn"))
ONE_LINE = st.text(st.one_of(st.sampled_from(list(TRICKY.replace("\t", ""))), PRINTABLE), min_size=1, max_size=40)
LINES = st.lists(st.one_of(st.sampled_from([*TRICKY, "\n", "\r\n", "\r"]), PRINTABLE), min_size=1, max_size=60).map(
    "".join
)

EXPORT_PARAMS = {"region": DUNGUN_PERAPAKAN}
JSON = {"Content-Type": "application/json"}


async def exported(client: httpx.AsyncClient, headers: dict[str, str], kind: str) -> bytes:
    response = await client.get(f"/v1/exports/families.{kind}", params=EXPORT_PARAMS, headers=headers)
    assert response.status_code == 200, response.text
    assert int(response.headers["content-length"]) == len(response.content) > 0
    return response.content


def as_semicolons(content: bytes) -> bytes:
    """The CSV as Excel in the Indonesian locale saves it: semicolons, CRLF, a BOM."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def unchanged(job: dict[str, Any]) -> tuple[int, int, int]:
    return job["rows_read"], job["rows_unchanged"], job["rows_rejected"]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(ONE_LINE, min_size=1, max_size=3), address=LINES)
async def test_any_accepted_text_survives_export_and_reimport(
    client: httpx.AsyncClient, admin: dict[str, str], names: list[str], address: str
) -> None:
    members = [member_payload(name=name, relation="famili_lain", marital_status="belum_kawin") for name in names]
    created = await client.post(
        "/v1/families", json=family_payload(DUNGUN_PERAPAKAN, address=address, members=members), headers=admin
    )
    if created.status_code == 422:  # text the API refuses (blank once stripped, too long) is not the point here
        return
    assert created.status_code == 201, created.text
    stored = created.json()
    assert [m["name"] for m in stored["members"]] == [name.strip() for name in names]

    csv_export = await exported(client, admin, "csv")
    rows = len(list(csv.DictReader(io.StringIO(csv_export.decode(), newline=""))))
    for content, name in (
        (csv_export, "export.csv"),
        (as_semicolons(csv_export), "export-semicolons.csv"),
        (await exported(client, admin, "xlsx"), "export.xlsx"),
    ):
        job = await reimport(client, admin, content, name, dry_run=True)
        assert unchanged(job) == (rows, rows, 0), (name, job)


async def test_formula_text_is_neutralised_in_both_exports_and_restored_on_import(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    formulas = ['=HYPERLINK("http://evil.example","klik")', "=1+2", "+62 812 3456", "@SUM(A1)", "-1"]
    members = [member_payload(name=text, relation="famili_lain", marital_status="belum_kawin") for text in formulas]
    family = family_payload(DUNGUN_PERAPAKAN, address="=cmd|' /C calc'!A0", members=members)
    created = await client.post("/v1/families", json=family, headers=admin)
    assert created.status_code == 201, created.text

    csv_rows = list(csv.DictReader(io.StringIO((await exported(client, admin, "csv")).decode(), newline="")))
    assert sorted(row["nama"] for row in csv_rows) == sorted("'" + text for text in formulas)
    assert {row["alamat"] for row in csv_rows} == {"'=cmd|' /C calc'!A0"}

    workbook = load_workbook(io.BytesIO(await exported(client, admin, "xlsx")))
    cells = [cell for row in workbook["data"].iter_rows(min_row=2) for cell in row]
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}  # text, never a formula
    assert not any(str(cell.value).startswith(("=", "+", "-", "@")) for cell in cells if cell.value is not None)

    for kind in ("csv", "xlsx"):
        job = await reimport(client, admin, await exported(client, admin, kind), f"export.{kind}", dry_run=True)
        assert unchanged(job) == (5, 5, 0)


async def test_control_characters_are_refused_at_input_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for body, field in (
        (family_payload(DUNGUN_PERAPAKAN, address="Jl. Mawar\u0001 5"), "address"),
        (family_payload(DUNGUN_PERAPAKAN, members=[member_payload(name="Siti\u0085")]), "members[0].name"),
        (family_payload(DUNGUN_PERAPAKAN, members=[member_payload(name="Siti\nAminah")]), "members[0].name"),
        (family_payload(DUNGUN_PERAPAKAN, address="Jl. \ud800"), "address"),
    ):
        json_text = json.dumps(body)  # ASCII, so a lone surrogate is sent as JSON spells it: \ud800
        refused = await client.post("/v1/families", content=json_text, headers=admin | JSON)
        assert refused.status_code == 422, refused.text
        assert field in {error["field"] for error in refused.json()["errors"]}
    listed = await client.get("/v1/families", params={"region": DUNGUN_PERAPAKAN}, headers=admin)
    assert listed.json()["items"] == []


async def test_a_template_filled_in_a_spreadsheet_imports_and_round_trips(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """As a person fills the template in Excel: digits typed as numbers (NIK, No. KK, RT, RW, desa code), dates
    as dates, text with quotes; saved as XLSX and as CSV with semicolons."""
    typed = {
        "no_kk": 6101042015000101,
        "kode_desa": 6101042015,
        "alamat": 'Jl. "Mawar" 5; Gg. Melati',
        "rt": 7,
        "rw": 12,
        "sumber_air_minum": "sumur_terlindung",
        "jamban": "sendiri_layak",
        "status_kesejahteraan": "miskin",
        "nik": 6101045503950001,
        "nama": "Siti 'Ucok' Aminah",
        "jenis_kelamin": "P",
        "tanggal_lahir": date(1995, 3, 15),
        "hubungan_keluarga": "kepala_keluarga",
        "status_kawin": "cerai_mati",
        "sedang_hamil": "tidak",
    }
    template = await client.get("/v1/imports/template.xlsx", headers=admin)
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["data"]
    header = [cell.value for cell in sheet[1]]
    sheet.append([typed.get(str(name)) for name in header])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    imported = await reimport(client, admin, xlsx.getvalue(), "isian.xlsx")
    assert (imported["status"], imported["rows_read"], imported["rows_rejected"]) == ("succeeded", 1, 0), imported

    family = (await client.get("/v1/families", params={"region": DUNGUN_PERAPAKAN}, headers=admin)).json()["items"]
    assert [(f["kk_number"], f["address"], f["rt"], f["rw"]) for f in family] == [
        ("6101042015000101", 'Jl. "Mawar" 5; Gg. Melati', "7", "12")
    ]

    # The CSV template opened in a spreadsheet of the Indonesian locale, filled in and saved: semicolons, CRLF.
    template_rows = list(csv.reader(io.StringIO((await client.get("/v1/imports/template.csv", headers=admin)).text)))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows)
    writer.writerow(["" if typed.get(n) is None else str(typed[n]) for n in template_rows[-1]])
    semicolons = await reimport(client, admin, b"\xef\xbb\xbf" + buffer.getvalue().encode(), "isian.csv", dry_run=True)
    assert unchanged(semicolons) == (1, 1, 0), semicolons
    for kind in ("csv", "xlsx"):
        job = await reimport(client, admin, await exported(client, admin, kind), f"export.{kind}", dry_run=True)
        assert unchanged(job) == (1, 1, 0), job
