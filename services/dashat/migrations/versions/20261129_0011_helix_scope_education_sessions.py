"""DASHAT's 5 helix as BKKBN's DASHAT guidance names them, a partnership's scope, and education sessions.

Partners stored with the earlier helix are mapped: government → pemerintah, community → masyarakat,
university → perguruan_tinggi, business → dunia_usaha, media_ngo → masyarakat (NGOs belong to the masyarakat
helix; the media are none of the five). The scope: money → funding, goods → food_materials, training →
cadre_training (policy_support and menu_development are new). Education sessions (KIE, Isi Piringku, cooking
demonstrations) and cadre trainings are recorded with who attended.

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

HELIX = {"government": "pemerintah", "community": "masyarakat", "university": "perguruan_tinggi",
         "business": "dunia_usaha", "media_ngo": "masyarakat"}
HELIX_BACK = {"pemerintah": "government", "masyarakat": "community", "perguruan_tinggi": "university",
              "dunia_usaha": "business", "kader_penggerak_masyarakat": "community"}
SCOPE = {"money": "funding", "goods": "food_materials", "training": "cadre_training"}
SCOPE_BACK = {"funding": "money", "food_materials": "goods", "cadre_training": "training",
              "policy_support": "training", "menu_development": "training"}

partner = sa.table("partner", sa.column("helix", sa.String), sa.column("contribution", sa.String))


def _map(column: str, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(partner.update().where(partner.c[column] == old).values({column: new}))


def upgrade() -> None:
    with op.batch_alter_table("partner") as batch:
        batch.alter_column("helix", existing_type=sa.String(20), type_=sa.String(30), existing_nullable=False)
        batch.alter_column("contribution", existing_type=sa.String(10), type_=sa.String(20), existing_nullable=False)
    _map("helix", HELIX)
    _map("contribution", SCOPE)
    op.create_table(
        "education_session",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("facilitator", sa.String(200), nullable=True),
        sa.Column("attendees", sa.JSON, nullable=False),
        sa.Column("participants", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_education_session_kitchen_held", "education_session", ["kitchen_id", "held_on"])


def downgrade() -> None:
    op.drop_index("ix_education_session_kitchen_held", "education_session")
    op.drop_table("education_session")
    _map("helix", HELIX_BACK)
    _map("contribution", SCOPE_BACK)
    with op.batch_alter_table("partner") as batch:
        batch.alter_column("contribution", existing_type=sa.String(20), type_=sa.String(10), existing_nullable=False)
        batch.alter_column("helix", existing_type=sa.String(30), type_=sa.String(20), existing_nullable=False)
