"""ANC as contacts, catin screening and KEK, KB pasca persalinan coverage and targets, one bidan per team.

- A pregnancy visit reported "this is ANC #n" (`anc_number`, `trimester`, `with_doctor` in `details`); it now
  reports the ANC contacts it saw (`anc_contacts`: number, date, doctor, trimester), so one contact reported by
  two visits counts once. Each stored visit becomes one contact dated on the visit.
- `visit.screening_on_time`: a catin visit's screening was at least 3 months before the planned marriage.
- `visit.kb_method`: the post-partum visit's method, so mothers with no method count in KB coverage.
- `visit.kek` is worked out for catin as for pregnant women (LILA < 23.5 cm).
- `kb_target`: a region's yearly target of KB pasca persalinan acceptors.
- A team has at most one live bidan (its coordinator).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEK_LILA_BELOW_CM = 23.5
LIVE_BIDAN = sa.text("deleted_at IS NULL AND role = 'bidan'")

visit = sa.table(
    "visit",
    sa.column("id", sa.String),
    sa.column("category", sa.String),
    sa.column("visited_on", sa.Date),
    sa.column("details", sa.JSON),
    sa.column("kek", sa.Boolean),
    sa.column("screening_on_time", sa.Boolean),
    sa.column("kb_method", sa.String),
)


def _details(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)


def _rows(category: str) -> list[Any]:
    query = sa.select(visit.c.id, visit.c.visited_on, visit.c.details).where(visit.c.category == category)
    return list(op.get_bind().execute(query))


def upgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("screening_on_time", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("kb_method", sa.String(20), nullable=True))
    connection = op.get_bind()
    for row in _rows("ibu_hamil"):
        details = _details(row.details)
        visited_on = row.visited_on if isinstance(row.visited_on, date) else date.fromisoformat(str(row.visited_on))
        contact = {
            "number": details.pop("anc_number", 1),
            "contacted_on": visited_on.isoformat(),
            "with_doctor": details.pop("with_doctor", False),
            "trimester": details.pop("trimester", None),
        }
        details["anc_contacts"] = [contact]
        connection.execute(visit.update().where(visit.c.id == row.id).values(details=details))
    for row in _rows("catin"):
        details = _details(row.details)
        lila = details.get("lila_cm")
        late = details.get("screened_less_than_3_months_before_marriage")
        connection.execute(
            visit.update()
            .where(visit.c.id == row.id)
            .values(kek=None if lila is None else lila < KEK_LILA_BELOW_CM, screening_on_time=None if late is None else not late)
        )
    for row in _rows("pasca_persalinan"):
        method = _details(row.details).get("kb_method")
        connection.execute(visit.update().where(visit.c.id == row.id).values(kb_method=method))
    op.create_table(
        "kb_target",
        sa.Column("region_code", sa.String(10), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("acceptors", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "uq_team_member_bidan_live",
        "team_member",
        ["team_id"],
        unique=True,
        sqlite_where=LIVE_BIDAN,
        postgresql_where=LIVE_BIDAN,
    )


def downgrade() -> None:
    op.drop_index("uq_team_member_bidan_live", "team_member")
    op.drop_table("kb_target")
    connection = op.get_bind()
    for row in _rows("ibu_hamil"):
        details = _details(row.details)
        contacts = details.pop("anc_contacts", []) or [{"number": 1, "with_doctor": False, "trimester": None}]
        first = contacts[0]
        details |= {"anc_number": first["number"], "with_doctor": first["with_doctor"], "trimester": first["trimester"]}
        connection.execute(visit.update().where(visit.c.id == row.id).values(details=details))
    connection.execute(visit.update().where(visit.c.category == "catin").values(kek=None))
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("kb_method")
        batch.drop_column("screening_on_time")
