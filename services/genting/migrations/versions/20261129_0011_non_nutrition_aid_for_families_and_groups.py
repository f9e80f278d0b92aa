"""Non-nutrition aid as the GENTING guidance lists it: latrine repair, livable housing and clean water go to a
family, education goes to groups (with who attended) and is tied to no match.

`match_id` may be empty; `family_id` and `audience` are added. The earlier kind `latrine_housing` (latrine and
housing together) becomes `latrine_repair`, the kind the old records were mostly about; `livable_housing` is
new. A family aid given through a match keeps its anak asuh's family.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

support = sa.table(
    "support",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("match_id", sa.String),
    sa.column("family_id", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("support") as batch:
        batch.alter_column("match_id", existing_type=sa.String(36), nullable=True)
        batch.add_column(sa.Column("family_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("audience", sa.JSON, nullable=False, server_default="[]"))
    op.execute(support.update().where(support.c.kind == "latrine_housing").values(kind="latrine_repair"))
    match = sa.table("match", sa.column("id", sa.String), sa.column("anak_asuh_id", sa.String))
    anak_asuh = sa.table("anak_asuh", sa.column("id", sa.String), sa.column("family_id", sa.String))
    family_of_match = (
        sa.select(anak_asuh.c.family_id)
        .select_from(match.join(anak_asuh, anak_asuh.c.id == match.c.anak_asuh_id))
        .where(match.c.id == support.c.match_id)
        .scalar_subquery()
    )
    op.execute(
        support.update()
        .where(support.c.kind != "education", support.c.match_id.is_not(None))
        .values(family_id=family_of_match)
    )


def downgrade() -> None:
    op.execute(support.delete().where(support.c.match_id.is_(None)))  # aid with no match has no earlier form
    op.execute(
        support.update().where(support.c.kind.in_(("latrine_repair", "livable_housing"))).values(kind="latrine_housing")
    )
    with op.batch_alter_table("support") as batch:
        batch.drop_column("audience")
        batch.drop_column("family_id")
        batch.alter_column("match_id", existing_type=sa.String(36), nullable=False)
