"""The people who may use a team's workspace, with their access (:class:`cxcommit.privacy.scope.Access`),
in the ``people`` table: one row a person, by email (trimmed and lower-cased; an empty or malformed
one is nobody). The workspace keeps at least one admin once it has one: removing or demoting the
last is refused. :class:`cxcommit.store.workspace.Workspace` calls these inside its transactions and
records each change in the audit log.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from cxcommit.errors import WorkspaceError
from cxcommit.privacy.scope import Access
import cxcommit.store.tables as tables

MAX_EMAIL = 320
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")  # one @, no space or control character


@dataclass(frozen=True)
class Person:
    email: str
    access: Access
    added_at: datetime
    added_by: str


def normal_email(email: str | None) -> str | None:
    """``email`` trimmed and lower-cased, or None where it is empty or not an address.

    >>> normal_email("  Ana@Example.ORG "), normal_email("ana"), normal_email("a b@example.org")
    ('ana@example.org', None, None)
    """
    text = str(email or "").strip().lower()
    return text if len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) else None


def checked_email(email: str) -> str:
    """:func:`normal_email`, or a :class:`WorkspaceError` saying what an address looks like."""
    normal = normal_email(email)
    if normal is None:
        raise WorkspaceError(f"{str(email)[:80]!r} is not an email address.",
                             hint="Give the address the person signs in with, e.g. ana@example.org.")
    return normal


def _person(row) -> Person:
    return Person(row.email, Access(row.role, tuple(json.loads(row.divisions))), row.added_at, row.added_by)


def read_people(connection) -> list[Person]:
    """Everyone, admins first, then by email."""
    rows = connection.execute(sa.select(tables.people).order_by(tables.people.c.email)).all()
    return sorted((_person(row) for row in rows), key=lambda p: (p.access.role != "admin", p.email))


def read_access(connection, email: str | None) -> Access | None:
    """The access of ``email``; None for nobody (unknown, empty or malformed)."""
    email = normal_email(email)
    if email is None:
        return None
    row = connection.execute(sa.select(tables.people).where(tables.people.c.email == email)).first()
    return None if row is None else _person(row).access


def _admins(connection) -> list[str]:
    """The admins' emails, their rows locked until the transaction ends (PostgreSQL; a SQLite
    writer holds the whole database), so that two changes cannot both leave the workspace without one."""
    query = sa.select(tables.people.c.email).where(tables.people.c.role == "admin").with_for_update()
    return list(connection.execute(query).scalars())


def _keep_an_admin(connection, email: str, what: str) -> None:
    admins = _admins(connection)
    if admins == [email]:
        raise WorkspaceError(f"{email} is the workspace's last admin and cannot be {what}.",
                             hint="Make someone else an admin first.")


def write_person(connection, email: str, access: Access, *, by: str, now: datetime) -> str:
    """Give ``email`` ``access`` (added if new); what changed, for the audit log."""
    email = checked_email(email)
    before = read_access(connection, email)
    if before is not None and access.role != "admin":
        _keep_an_admin(connection, email, f"made {'an' if access.role == 'analyst' else 'a'} {access.role}")
    values = {"role": access.role, "divisions": json.dumps(list(access.divisions), ensure_ascii=False)}
    if before is None:
        connection.execute(tables.people.insert().values(email=email, added_at=now, added_by=by, **values))
        return f"{email} as {access}"
    connection.execute(tables.people.update().where(tables.people.c.email == email).values(**values))
    return f"{email}: {before} -> {access}"


def delete_person(connection, email: str) -> str:
    """Take ``email``'s access away; what they had, for the audit log."""
    email = checked_email(email)
    before = read_access(connection, email)
    if before is None:
        raise WorkspaceError(f"{email} is not among the workspace's people.",
                             hint="See them with `python -m cxcommit workspace people list`.")
    _keep_an_admin(connection, email, "removed")
    connection.execute(tables.people.delete().where(tables.people.c.email == email))
    return f"{email} ({before})"
