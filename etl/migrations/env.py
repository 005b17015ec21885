"""Alembic environment: uses the connection etl.store hands over, else the project's URL."""
from __future__ import annotations

from alembic import context

from etl.paths import database_url
from etl.store import make_engine, metadata

config = context.config
target_metadata = metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout (alembic upgrade head --sql)."""
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the connection given by etl.store, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(database_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
