"""Alembic's environment for the workspace: run by :func:`cxcommit.store.migrate.upgrade` on the
connection it hands over (``config.attributes["connection"]``), inside its transaction."""
from alembic import context

from cxcommit.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
