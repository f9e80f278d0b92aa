"""Sex spelled as the registry spells it, `male` / `female`, for anak asuh (was `M` / `F`): one spelling per
concept across the platform.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from kkb_shared.migrations import spell_sex_as_letter, spell_sex_out

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    spell_sex_out("anak_asuh")


def downgrade() -> None:
    spell_sex_as_letter("anak_asuh")
