"""Bulk import jobs: the job, its staged rows, its rejected rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_kind", sa.String(8), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("region", sa.String(10), nullable=False),
        *(
            sa.Column(name, sa.Integer, nullable=False, server_default="0")
            for name in (
                "rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_rejected",
                "families_total", "families_done",
            )
        ),
        sa.Column("failure", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS),
        sa.Column("finished_at", TS),
    )
    op.create_index("ix_import_job_status", "import_job", ["status"])
    op.create_table(
        "import_row",
        sa.Column("job_id", sa.String(36), sa.ForeignKey("import_job.id", name="fk_import_row_job_id_import_job"), primary_key=True),
        sa.Column("row_number", sa.Integer, primary_key=True),
        sa.Column("kk_number", sa.String(64), nullable=False),
        sa.Column("cells", sa.Text, nullable=False),
    )
    op.create_index("ix_import_row_job_id_kk_number", "import_row", ["job_id", "kk_number", "row_number"])
    op.create_table(
        "import_rejection",
        sa.Column("job_id", sa.String(36), sa.ForeignKey("import_job.id", name="fk_import_rejection_job_id_import_job"), primary_key=True),
        sa.Column("row_number", sa.Integer, primary_key=True),
        sa.Column("column", sa.String(40), primary_key=True),
        sa.Column("reason", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("import_rejection")
    op.drop_table("import_row")
    op.drop_index("ix_import_job_status", "import_job")
    op.drop_table("import_job")
