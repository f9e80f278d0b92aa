"""Each service's schema comes from its own Alembic migrations; the models must describe exactly that schema.
A column, index or table added to a model without a migration (or the other way round) fails here."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from kkb_shared.db import create_engine
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import run_async

SERVICES = ("registry", "mentoring", "genting", "dashat")
SHARED_TABLES = {  # the shared package's tables each service's migrations create
    "registry": {"change_event", "idempotency_record", "audit_event", "audit_record"},
    "mentoring": {"change_event", "idempotency_record", "audit_event", "audit_record"},
    "genting": {"change_event", "idempotency_record", "audit_event", "audit_record"},
    "dashat": {"change_event", "idempotency_record", "audit_event", "audit_record"},
}


def _service_tables(service: str) -> set[str]:
    """The tables of the service's models (the app imports every one it uses) and of the shared package's."""
    for module in [f"{service}.main", "kkb_shared.changes", "kkb_shared.idempotency", "kkb_shared.audit"]:
        importlib.import_module(module)
    return {
        mapper.local_table.name  # type: ignore[attr-defined]
        for mapper in SQLModel._sa_registry.mappers
        if mapper.class_.__module__.startswith(f"{service}.")
    } | SHARED_TABLES[service]


def _include(tables: set[str], dialect: str) -> Callable[..., bool]:
    """Only the service's tables (every service's models share one metadata), and not what the models create
    on another database only (`Index(...).ddl_if(dialect=...)`)."""

    def include(obj: Any, name: str | None, kind: str, reflected: bool, _: Any) -> bool:
        if kind == "table":
            return reflected or name in tables
        condition = getattr(obj, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect)

    return include


def _differences(url: str, tables: set[str]) -> list[Any]:
    async def compare() -> list[Any]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(
                            sync, opts={"compare_type": True, "include_object": _include(tables, sync.dialect.name)}
                        ),
                        SQLModel.metadata,
                    )
                )
        finally:
            await engine.dispose()

    return run_async(compare())


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_migrations_build_what_the_models_describe(service: str, database_factory: Callable[[str], str]) -> None:
    cli = importlib.import_module(f"{service}.cli")
    alembic_ini: Path = cli.ALEMBIC_INI
    url = database_factory(f"schema_{service}")
    upgrade(alembic_ini, url)
    differences = [
        d
        for d in _differences(url, _service_tables(service))
        if d[0] != "remove_table" or d[1].name != "alembic_version"
    ]
    assert differences == []
