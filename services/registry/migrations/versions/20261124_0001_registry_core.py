"""Registry core: regions (with the Kemendagri list), families, members, change feed, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import csv
import gzip
import io
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op

from kkb_shared.migrations import create_idempotency_record_table, drop_idempotency_record_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("deleted_at IS NULL")
PARENT_LENGTH = {4: 2, 6: 4, 10: 6}


def _regions() -> list[dict[str, str | None]]:
    data = resources.files("registry.regions").joinpath("data/wilayah.csv.gz").read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8") as text:
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
                "parent_code": row["code"][: PARENT_LENGTH[len(row["code"])]] if len(row["code"]) > 2 else None,
            }
            for row in csv.DictReader(text)
        ]


def upgrade() -> None:
    region = op.create_table(
        "region",
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("parent_code", sa.String(10), sa.ForeignKey("region.code", name="fk_region_parent_code_region")),
    )
    op.create_index("ix_region_parent_code", "region", ["parent_code"])
    op.bulk_insert(region, _regions())

    op.create_table(
        "family",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kk_number", sa.String(16), nullable=False),
        sa.Column("desa_code", sa.String(10), sa.ForeignKey("region.code", name="fk_family_desa_code_region"), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("rt", sa.String(3)),
        sa.Column("rw", sa.String(3)),
        sa.Column("water_source", sa.String(30)),
        sa.Column("latrine", sa.String(30)),
        sa.Column("poverty_status", sa.String(30)),
        sa.Column("is_krs", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("krs_assessed_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("uq_family_kk_number_live", "family", ["kk_number"], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_family_desa_code_id", "family", ["desa_code", "id"])
    op.create_index("ix_family_is_krs", "family", ["is_krs"])

    op.create_table(
        "member",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("family_id", sa.String(36), sa.ForeignKey("family.id", name="fk_member_family_id_family"), nullable=False),
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("sex", sa.String(6), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("marital_status", sa.String(20), nullable=False),
        sa.Column("is_pregnant", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("pregnancy_start_date", sa.Date),
        sa.Column("contraception", sa.String(20)),
        sa.Column("planned_marriage_date", sa.Date),
        sa.Column("data_quality_flags", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("uq_member_nik_live", "member", ["nik"], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_member_family_id", "member", ["family_id"])

    op.create_table(
        "change_event",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("operation", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
    )
    op.create_index("ix_change_event_desa_code", "change_event", ["desa_code"])

    create_idempotency_record_table()


def downgrade() -> None:
    drop_idempotency_record_table()
    op.drop_table("change_event")
    op.drop_table("member")
    op.drop_table("family")
    op.drop_table("region")
