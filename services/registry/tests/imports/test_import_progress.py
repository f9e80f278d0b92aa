"""An import job's progress figures while it runs and once it has ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry.imports.models import ImportJob, ImportStatus
from registry.imports.schemas import ImportJobRead
from registry.imports.service import Statistics


def test_a_running_job_tells_its_rate_and_the_time_left() -> None:
    started = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    job = ImportJob(
        id="j",
        status=ImportStatus.RUNNING,
        file_name="krs.xlsx",
        file_kind="xlsx",
        created_by="u",
        region="6101",
        rows_read=200_000,
        rows_inserted=40_000,
        rows_updated=9_000,
        rows_unchanged=500,
        rows_rejected=500,
        families_total=50_000,
        families_done=12_500,
        created_at=started,
        started_at=started,
    )
    running = ImportJobRead.from_job(job, now=started + timedelta(seconds=10))
    assert (running.rows_done, running.rows_per_second, running.seconds_left, running.progress) == (
        50_000,
        5_000.0,
        30.0,
        0.25,
    )
    job.rows_read = 0  # still reading the file through: no time left to tell yet
    assert ImportJobRead.from_job(job, now=started + timedelta(seconds=10)).seconds_left is None
    job.status, job.finished_at, job.rows_read = ImportStatus.SUCCEEDED, started + timedelta(seconds=20), 50_000
    ended = ImportJobRead.from_job(job, now=started + timedelta(hours=1))
    assert (ended.rows_per_second, ended.seconds_left, ended.progress) == (2_500.0, None, 1.0)


def test_the_import_analyzes_the_tables_each_time_the_registry_has_doubled_its_families() -> None:
    """Into an empty registry after the first batch, then at each doubling; into a large one not before it has
    doubled (each ANALYZE samples the whole table)."""
    empty = Statistics(families=0, analyzed=0)
    assert [empty.due(1000) for _ in range(8)] == [True, True, False, True, False, False, False, True]
    large = Statistics(families=250_000, analyzed=250_000)
    assert not any(large.due(1000) for _ in range(249))
    assert large.due(1000)
