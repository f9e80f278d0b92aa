"""`make bench` (registry at scale, on PostgreSQL): load families and members (250,000 / ~1,000,000 by
default, all in one kabupaten) with COPY, then print

- the KRS report for a kabupaten (p50 ms) next to the same aggregation as one raw SQL query;
- the import rate of a Verval KRS file through the API, CSV and XLSX (rows/s, 200,000 rows by default), next to
  the floor any import has: COPY of the import's own records into the registry's tables, in the same run;
- the peak memory of the importing process and its worker.

`--province` loads a province instead: 1,250,000 families / ~5,000,000 members spread over every desa of
Kalimantan Barat (61), and adds the KRS report of the whole province by kabupaten, so the kabupaten's figure
can be read against a registry five times larger around it.

The goals each figure is set against are in docs/benchmarks.md. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import multiprocessing
import resource
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import asyncpg
import httpx
from bench_registry_load import connect, load_in_child
from bench_results import record
from bench_stack import served
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from kkb_shared.testing.tokens import TokenFactory
from registry.cli import ALEMBIC_INI
from registry.imports.columns import COLUMNS, DATE_FIELDS
from registry.main import create_app
from registry.regions.models import RegionLevel
from registry.reports.service import krs_report
from registry.settings import RegistrySettings

KABUPATEN = "6101"  # Sambas
PROVINCE = "61"  # Kalimantan Barat
PROVINCE_FAMILIES = 1_250_000  # about 5,000,000 members
RAW_REPORT = """
SELECT substr(desa_code, 1, :length) AS code, count(*) AS families, sum(is_krs::int), sum(target_pus::int),
       sum(target_ibu_hamil::int), sum(target_baduta::int), sum(target_balita::int), sum(target_catin::int),
       sum(risk_air_minum_tidak_layak::int), sum(risk_jamban_tidak_layak::int), sum(risk_terlalu_muda::int),
       sum(risk_terlalu_tua::int), sum(risk_terlalu_dekat::int), sum(risk_terlalu_banyak::int),
       sum(risk_miskin::int)
FROM family WHERE deleted_at IS NULL AND desa_code BETWEEN :low AND :high GROUP BY 1
"""


async def report_timings(url: str, rounds: int, region: str, level: RegionLevel, label: str, goal_ms: float) -> None:
    """The KRS report of `region` by `level` through the service's own code, beside the same aggregation as one
    raw SQL query, alternating."""
    database = Database(url)
    principal = Principal(subject="bench", role=Role.ADMIN, region="")
    low, high = region.ljust(10, "0"), region.ljust(10, "9")
    length = {RegionLevel.KABUPATEN: 4, RegionLevel.KECAMATAN: 6, RegionLevel.DESA: 10}[level]
    api, raw = [], []
    async with database.sessionmaker() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            await krs_report(session=session, principal=principal, region=region, level=level)
            api.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            (await session.execute(text(RAW_REPORT), {"low": low, "high": high, "length": length})).all()
            raw.append((time.perf_counter() - started) * 1000)
    await database.dispose()
    p50_api, p50_raw = statistics.median(api), statistics.median(raw)
    print(f"\nKRS report, {label} by {level.value} ({rounds} runs)")
    print(f"  service p50 {p50_api:.1f} ms   raw SQL p50 {p50_raw:.1f} ms   ratio {p50_api / p50_raw:.2f}x")
    met = p50_api <= 1.5 * p50_raw and p50_api < goal_ms
    print(f"  goal (within 1.5x of raw SQL and under {goal_ms:.0f} ms): {'met' if met else 'NOT met'}")
    record(
        f"KRS report, {label} by {level.value}, p50",
        p50_api,
        "ms",
        reference="raw SQL",
        reference_value=p50_raw,
        goal=f"<= 1.5x raw SQL and < {goal_ms:.0f} ms",
        met=met,
    )


def _import_rows(rows: int, first_serial: int) -> list[list[str]]:
    """A Verval KRS file's rows: families of four (a wife and three children), each row a new member."""
    lines = []
    for i in range(rows):
        serial = first_serial + i
        relation = "istri" if i % 4 == 0 else "anak"
        married = relation == "istri"
        kk = f"7{serial // 4:015d}"
        nik = f"8{serial:015d}"
        family = [kk, "6101042015", "Jl. Impor", "1", "1", "ledeng", "sendiri_layak", "miskin"]
        person = [nik, f"Impor {serial}", "P", "2001-04-05", relation, "kawin" if married else "belum_kawin", "tidak"]
        lines.append([*family, *person, *[""] * (len(COLUMNS) - len(family) - len(person))])
    return lines


def _import_csv(rows: int, first_serial: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows(_import_rows(rows, first_serial))
    return buffer.getvalue().encode()


def _import_xlsx(rows: int, first_serial: int) -> bytes:
    """The same rows as a workbook, as an office saves it (every cell text, as the template asks)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Verval KRS")
    sheet.append([c.header for c in COLUMNS])
    for line in _import_rows(rows, first_serial):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def _copy_seconds(url: str, path: Path, *, keyed: bool) -> float:
    """PostgreSQL's own COPY of the file: into a temporary table of text columns (the least work a database
    can do with the rows, and the goal's reference), or `keyed`: into a logged table whose dates are typed,
    with NIK as primary key and No. KK indexed, as the registry's own tables check and index them."""
    connection = await connect(url)
    try:
        if keyed:
            columns = [f"{c.header} {'date' if c.field in DATE_FIELDS else 'text'}" for c in COLUMNS]
            await connection.execute(f"CREATE TABLE copy_bench ({', '.join(columns)}, PRIMARY KEY (nik))")
            await connection.execute("CREATE INDEX ON copy_bench (no_kk)")
        else:
            await connection.execute(f"CREATE TEMP TABLE copy_bench ({', '.join(f'{c.header} text' for c in COLUMNS)})")
        started = time.perf_counter()
        await connection.copy_to_table("copy_bench", source=path, format="csv", header=True)
        return time.perf_counter() - started
    finally:
        await connection.execute("DROP TABLE IF EXISTS copy_bench")
        await connection.close()


IMPORTED = (  # what the import of `_import_csv` wrote: (table, read it, delete it)
    (
        "change_event",
        "SELECT * FROM change_event WHERE entity_id IN (SELECT id FROM family WHERE address = 'Jl. Impor'"
        " UNION ALL SELECT id FROM member WHERE name LIKE 'Impor %')",
        "DELETE FROM change_event WHERE seq = ANY($1)",
    ),
    (
        "krs_assessment",
        "SELECT * FROM krs_assessment WHERE family_id IN (SELECT id FROM family WHERE address = 'Jl. Impor')",
        "DELETE FROM krs_assessment WHERE id = ANY($1)",
    ),
    ("member", "SELECT * FROM member WHERE name LIKE 'Impor %'", "DELETE FROM member WHERE id = ANY($1)"),
    ("family", "SELECT * FROM family WHERE address = 'Jl. Impor'", "DELETE FROM family WHERE id = ANY($1)"),
)


async def _records_copy_seconds(url: str) -> float:
    """The floor of any import into the registry's schema: the families, members, change events and first KRS
    assessments the import wrote, read back, deleted and written again with nothing but COPY, in one
    transaction, into the registry's own tables with all their keys and indexes. No reading, no checks, no
    rules."""
    connection = await connect(url)
    try:
        tables: dict[str, tuple[list[str], list[asyncpg.Record]]] = {}
        for table, read, _ in IMPORTED:
            records = await connection.fetch(read)
            tables[table] = (list(records[0].keys()), records)
        for table, _, delete in IMPORTED:  # the feed first, the families last
            await connection.execute(delete, [r["seq" if table == "change_event" else "id"] for r in tables[table][1]])
        await connection.execute("VACUUM family, member, change_event, krs_assessment")
        await connection.execute("CHECKPOINT")  # as before each import: nothing left to write out
        started = time.perf_counter()
        async with connection.transaction():
            for table in ("family", "member", "change_event", "krs_assessment"):
                columns, records = tables[table]
                await connection.copy_records_to_table(table, records=records, columns=columns)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def _checkpoint(url: str) -> None:
    """Write out what the step before left in PostgreSQL's buffers, so that no measured step pays for it (a
    checkpoint that the previous 200,000 rows trigger would otherwise land in the next step)."""
    connection = await connect(url)
    try:
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


async def _import_seconds(
    client: httpx.AsyncClient, app: Any, headers: dict[str, str], path: Path
) -> tuple[float, dict[str, Any]]:
    """Upload the file as a client does, streamed from disk (the client's copy is not the service's memory),
    and wait for its import."""
    started = time.perf_counter()
    with path.open("rb") as file:
        response = await client.post("/v1/imports", files={"file": (path.name, file)}, headers=headers)
    await asyncio.gather(*app.state.import_tasks)
    elapsed = time.perf_counter() - started
    job: dict[str, Any] = (await client.get(response.headers["location"], headers=headers)).json()
    return elapsed, job


def _resident_kb(pid: int | str, field: str = "VmRSS") -> int:
    with contextlib.suppress(OSError):  # a child that has just ended
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def _children() -> list[str]:
    found: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            found += (task / "children").read_text().split()
    return found


class PeakMemory:
    """The peak resident memory of this process and its children (the import's worker process), in MB: this
    process's own peak exactly (Linux's VmHWM, reset at the start), the sum with its children sampled every
    20 ms by a thread."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.own = self.children = self.together = 0.0

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            children = sum(_resident_kb(pid) for pid in _children()) / 1024
            self.children = max(self.children, children)
            self.together = max(self.together, _resident_kb("self") / 1024 + children)

    def __enter__(self) -> PeakMemory:
        with contextlib.suppress(OSError):  # else the process's peak is its whole life's, an upper bound
            Path("/proc/self/clear_refs").write_text("5")
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.own = _resident_kb("self", "VmHWM") / 1024 or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.together = max(self.together, self.own)


def _write_files(rows: int, folder: Path) -> None:
    """In a child process: what building the files takes (200,000 rows as Python lists, openpyxl's workbook)
    must not stay in the measuring process, whose memory is the import's figure."""
    (folder / "bench.csv").write_bytes(_import_csv(rows, 1))
    (folder / "bench.xlsx").write_bytes(_import_xlsx(rows, rows + 1))


async def import_rate(url: str, rows: int) -> None:
    """A Verval KRS file of `rows` rows through the API, as CSV and as XLSX (new members each), beside the floor
    any import has: COPY of the import's own records into the registry's tables, in the same run."""
    with TemporaryDirectory() as temporary:
        folder = Path(temporary)
        writer = multiprocessing.get_context("spawn").Process(target=_write_files, args=(rows, folder))
        writer.start()
        await asyncio.to_thread(writer.join)
        if writer.exitcode != 0:
            raise RuntimeError(f"writing the files failed (exit code {writer.exitcode})")
        csv_file, xlsx_file = folder / "bench.csv", folder / "bench.xlsx"
        tokens = TokenFactory()
        app = create_app(RegistrySettings(database_url=url), verifier=tokens.verifier())
        headers = tokens.headers("admin")
        async with served(app, "http://r") as client:
            csv_before = _resident_kb("self") / 1024
            await _checkpoint(url)
            with PeakMemory() as csv_peak:  # from here: the app and the import, and its worker
                csv_seconds, csv_job = await _import_seconds(client, app, headers, csv_file)
            floor_rate = rows / await _records_copy_seconds(url)
            await _checkpoint(url)
            xlsx_before = _resident_kb("self") / 1024
            with PeakMemory() as xlsx_peak:
                xlsx_seconds, xlsx_job = await _import_seconds(client, app, headers, xlsx_file)
        copy_rate = rows / await _copy_seconds(url, csv_file, keyed=False)
    csv_rate, xlsx_rate = rows / csv_seconds, rows / xlsx_seconds
    for kind, job in (("CSV", csv_job), ("XLSX", xlsx_job)):
        print(
            f"\nImport of {rows:,} {kind} rows: {job['status']}, {job['rows_inserted']:,} inserted, "
            f"{job['rows_rejected']} rejected, {job['rows_per_second']:,.0f} rows/s as the job reports it"
        )
    print(
        f"  CSV {csv_rate:,.0f} rows/s   floor (COPY of its records into the registry's tables) {floor_rate:,.0f} "
        f"rows/s   ratio {csv_rate / floor_rate:.2f} (goal >= 0.5)"
    )
    print(f"  XLSX {xlsx_rate:,.0f} rows/s   ratio to CSV {xlsx_rate / csv_rate:.2f} (goal >= 0.8)")
    print(f"  (COPY of the CSV into a bare temporary table: {copy_rate:,.0f} rows/s, the least a database does)")
    record(
        f"import of {rows:,} CSV rows through the API",
        csv_rate,
        "rows/s",
        reference="COPY of its records",
        reference_value=floor_rate,
        goal=">= 0.5 of the floor",
        met=csv_rate >= floor_rate / 2,
    )
    record(
        f"import of {rows:,} XLSX rows through the API",
        xlsx_rate,
        "rows/s",
        reference="the CSV import",
        reference_value=csv_rate,
        goal=">= 0.8 of CSV",
        met=xlsx_rate >= 0.8 * csv_rate,
    )
    for kind, peak, before in (("CSV", csv_peak, csv_before), ("XLSX", xlsx_peak, xlsx_before)):
        print(
            f"  peak memory while importing the {kind} file: {peak.together:.0f} MB: this process {peak.own:.0f} MB"
            f" ({before:.0f} MB before it) and the import's worker {peak.children:.0f} MB"
        )
        record(
            f"peak memory, {kind} import of {rows:,} rows (with its worker)",
            peak.together,
            "MB",
            goal="< 300 MB at 200,000 rows",
            met=peak.together < 300,
        )


async def run(families: int, import_rows: int, rounds: int, province: bool) -> None:
    database = f"kkb_bench_scale_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        # Loaded by a child process, so that what loading took stays out of the import's memory figure.
        loader = multiprocessing.get_context("spawn").Process(
            target=load_in_child, args=(url, families, PROVINCE if province else KABUPATEN)
        )
        loader.start()
        await asyncio.to_thread(loader.join)
        if loader.exitcode != 0:
            raise RuntimeError(f"loading the registry failed (exit code {loader.exitcode})")
        size = f"{'province' if province else 'kabupaten'} registry of {families:,} families"
        await report_timings(url, rounds, KABUPATEN, RegionLevel.KECAMATAN, f"a kabupaten, {size}", 300)
        if province:
            await report_timings(url, rounds, PROVINCE, RegionLevel.KABUPATEN, f"the province, {size}", 1000)
        if import_rows:
            await import_rate(url, import_rows)
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--families", type=int, default=None, help="250,000, or 1,250,000 with --province")
    parser.add_argument(
        "--province", action="store_true", help="spread the families over Kalimantan Barat (5,000,000 members)"
    )
    parser.add_argument("--import-rows", type=int, default=200_000, help="0 skips the import measurement")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    families = args.families or (PROVINCE_FAMILIES if args.province else 250_000)
    asyncio.run(run(families, args.import_rows, args.rounds, args.province))
    return 0


if __name__ == "__main__":
    sys.exit(main())
