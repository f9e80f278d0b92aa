"""Sex spelled as the registry spells it, `male` / `female`, in assignments and growth measurements (was
`M` / `F`): one spelling per concept across the platform.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from kkb_shared.migrations import spell_sex_as_letter, spell_sex_out

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("assignment", "growth_measurement")


def upgrade() -> None:
    for table in TABLES:
        spell_sex_out(table)


def downgrade() -> None:
    for table in TABLES:
        spell_sex_as_letter(table)
