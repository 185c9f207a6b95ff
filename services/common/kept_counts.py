"""Counts kept by the writes that change them, so that reading them costs a row, not a table.

A transaction gathers its changes in `session.info` and adds them to their rows when it
commits: one upsert per row however many changes it made, written after every lock the
transaction took and in one order of keys, so two writers never wait on each other's rows (a
deadlock on PostgreSQL).
"""
from itertools import chain

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(session, table):
    """An INSERT of `table` in the session's dialect, which can add to a row already there."""
    return INSERTS[session.get_bind().dialect.name](table)


class KeptCounts:
    """Figures of `model` (keyed by its one-column primary key) that transactions `add` to.

    `moved_by`: mapped classes whose flush hooks add; the commit flushes what is still unwritten
    of them first (their hooks would otherwise run after the counts were written).
    """

    def __init__(self, model, figures: tuple, moved_by: tuple = ()):
        self.model, self.figures, self.moved_by = model, figures, moved_by
        (self.key,) = model.__table__.primary_key.columns.keys()
        self.slot = f"kept_counts:{model.__tablename__}"
        event.listen(Session, "before_commit", self._write)
        event.listen(Session, "after_rollback", self._forget)

    def add(self, session, key, **changes):
        """Adds `changes` ({figure: n}) to the row of `key` when the transaction commits."""
        row = session.info.setdefault(self.slot, {}).setdefault(
            key, dict.fromkeys(self.figures, 0))
        for figure, change in changes.items():
            row[figure] += change

    def _write(self, session):
        unwritten = self.moved_by and any(
            isinstance(written, self.moved_by) for written in chain(session.new, session.dirty))
        if unwritten:
            session.flush()
        for key, changes in sorted(session.info.pop(self.slot, {}).items()):
            if not any(changes.values()):
                continue
            statement = upsert(session, self.model).values({self.key: key, **changes})
            session.execute(statement.on_conflict_do_update(
                index_elements=[self.key],
                set_={figure: getattr(self.model, figure) + getattr(statement.excluded, figure)
                      for figure in changes}))

    def _forget(self, session):
        session.info.pop(self.slot, None)
