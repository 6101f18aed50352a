"""The workspace: surveys, the files added to them, their waves and responses' columns, unit
metrics and settings.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table("settings", sa.Column("name", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("metrics", sa.Text),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("changed_at", STAMP, nullable=False),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("added_at", STAMP, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
    )
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.UniqueConstraint("survey_id", "label", name="uq_waves_survey_label"),
    )
    op.create_table(
        "response_columns",
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("column_name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "unit_metrics",
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("business_unit", sa.Text, nullable=False),
        sa.Column("division", sa.Text),
        sa.Column("wave", sa.Text, nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
    )


def downgrade() -> None:
    for table in ("unit_metrics", "response_columns", "waves", "imports", "surveys", "settings"):
        op.drop_table(table)
