"""The workspace: surveys and their waves kept in a database (SQLite by default, PostgreSQL for a
team) through SQLAlchemy, the schema migrated with Alembic. :class:`Workspace` is the way in."""
from cxcommit.store.workspace import Workspace

__all__ = ["Workspace"]
