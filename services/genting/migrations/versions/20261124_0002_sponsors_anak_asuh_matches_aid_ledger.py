"""Sponsors (OTA) and agreements, anak asuh with their history, matches, nutrition aid, and the append-only
double-entry ledger (the database itself refuses UPDATE and DELETE of ledger entries).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("deleted_at IS NULL")
ACTIVE = sa.text("status = 'active'")
MONEY = sa.BigInteger


def _record_columns(*, deletable: bool = True) -> list[sa.Column[object]]:
    columns = [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]
    return [*columns, sa.Column("deleted_at", TS)] if deletable else columns


def upgrade() -> None:
    op.create_table(
        "ota",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contact_name", sa.String(120), nullable=False),
        sa.Column("contact_phone", sa.String(30)),
        sa.Column("contact_email", sa.String(200)),
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("agreement_start", sa.Date, nullable=False),
        sa.Column("agreement_end", sa.Date, nullable=False),
        sa.Column("committed_amount", MONEY, nullable=False),
        sa.Column("aid_kinds", sa.JSON, nullable=False),
        sa.Column("anak_asuh_target", sa.Integer, nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_ota_region_code", "ota", ["region_code"])

    op.create_table(
        "anak_asuh",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("family_id", sa.String(36), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("desa_name", sa.String(120), nullable=False),
        sa.Column("alias", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        *_record_columns(),
    )
    op.create_index(
        "uq_anak_asuh_member_live", "anak_asuh", ["member_id"], unique=True, sqlite_where=LIVE, postgresql_where=LIVE
    )
    op.create_index("ix_anak_asuh_desa_code", "anak_asuh", ["desa_code"])

    op.create_table(
        "anak_asuh_event",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("anak_asuh_id", sa.String(36), sa.ForeignKey("anak_asuh.id"), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_anak_asuh_event_anak_asuh_id", "anak_asuh_event", ["anak_asuh_id", "happened_on"])

    op.create_table(
        "match",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=False),
        sa.Column("anak_asuh_id", sa.String(36), sa.ForeignKey("anak_asuh.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("aid_kind", sa.String(20), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        *_record_columns(deletable=False),
    )
    op.create_index(
        "uq_match_active", "match", ["anak_asuh_id", "aid_kind"], unique=True, sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index("ix_match_ota_id", "match", ["ota_id"])

    op.create_table(
        "aid",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("match_id", sa.String(36), sa.ForeignKey("match.id"), nullable=False),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("packages", sa.JSON, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("materials_share_met", sa.Boolean),
        *_record_columns(deletable=False),
    )
    op.create_index("ix_aid_match_id", "aid", ["match_id"])
    op.create_index("ix_aid_ota_id", "aid", ["ota_id"])

    op.create_table(
        "ledger_entry",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=False),
        sa.Column("aid_id", sa.String(36), sa.ForeignKey("aid.id")),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("category", sa.String(20)),
        sa.Column("debit_account", sa.String(40), nullable=False),
        sa.Column("credit_account", sa.String(40), nullable=False),
        sa.Column("amount", MONEY, sa.CheckConstraint("amount > 0", name="ck_ledger_entry_amount_positive"),
                  nullable=False),
        sa.Column("reverses_seq", sa.BigInteger),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ledger_entry_ota_id_seq", "ledger_entry", ["ota_id", "seq"])
    op.create_index("ix_ledger_entry_aid_id", "ledger_entry", ["aid_id"])
    op.create_index("uq_ledger_entry_reverses", "ledger_entry", ["reverses_seq"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only: book a reversing entry'; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry "
                "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: book a reversing entry'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_append_only()")
    op.drop_table("ledger_entry")
    op.drop_table("aid")
    op.drop_table("match")
    op.drop_table("anak_asuh_event")
    op.drop_table("anak_asuh")
    op.drop_table("ota")
