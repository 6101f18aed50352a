"""Sign-in for a team: the people who may use the workspace with their role (and a viewer's
divisions), and the audit log of who added, replaced, removed and exported what.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("divisions", sa.Text, nullable=False),
        sa.Column("added_at", STAMP, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", STAMP, nullable=False, index=True),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("survey", sa.Text),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("people")
