"""Facts gain initiative_basis: where in the text a fact's programme was named.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

An appended column (facts.csv keeps its columns in order and adds this one at the end). Existing rows
get ""; the next run fills it as documents are re-extracted (EXTRACTOR_VERSION 10 changes with it).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("initiative_basis", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_column("initiative_basis")
