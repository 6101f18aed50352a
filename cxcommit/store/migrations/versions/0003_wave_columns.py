"""Each wave's responses once more, column by column (one Arrow IPC stream a wave), so that a stored
survey is read as a few large values rather than a row per respondent; made for the waves stored.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave_columns",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("answers", sa.LargeBinary, nullable=False),
    )
    from cxcommit.store.wave_columns import build

    connection = op.get_bind()
    for survey_id in connection.execute(sa.text("SELECT id FROM surveys ORDER BY id")).scalars().all():
        items = connection.execute(sa.text("SELECT column_name FROM response_columns WHERE survey_id = :s AND "
                                           "kind = 'item' ORDER BY position"), {"s": survey_id}).scalars().all()
        build(connection, survey_id, list(items))


def downgrade() -> None:
    op.drop_table("wave_columns")
