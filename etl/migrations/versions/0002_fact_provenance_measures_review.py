"""Facts gain location (page, paragraph, table cell), measure, kind, as_of, period_start and review_status.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Appended columns (facts.csv keeps its old columns in order and adds these at the end). Existing rows
get "" (review_status: "extracted"); the next run fills them as documents are re-extracted
(EXTRACTOR_VERSION changes with the code that fills them).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("location", ""), ("measure", ""), ("kind", ""), ("as_of", ""), ("period_start", ""),
    ("review_status", "extracted"),
)


def upgrade() -> None:
    with op.batch_alter_table("facts", schema=None) as batch_op:
        for name, default in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default=default, nullable=False))
        batch_op.create_index("ix_facts_measure", ["measure"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index("ix_facts_measure")
        for name, _default in reversed(_COLUMNS):
            batch_op.drop_column(name)
