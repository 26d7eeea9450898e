"""The one way the store writes: ``transaction(db)`` (issue 9 item 12).

- Outside a transaction it opens one that holds the write lock from its start
  (``db.begin_write()``: ``BEGIN IMMEDIATE`` on SQLite), so what the block reads cannot
  change before it writes; inside one it is a savepoint, so a failing inner block undoes
  only itself.
- Work that must run at commit time is queued with ``before_commit`` and ``after_commit``.
  The audit log uses both: its rows are appended last, just before the commit, in the order
  the events happened; its head anchor (a file beside the database) is rewritten only after
  the commit succeeded. A transaction that fails or rolls back leaves no row, no audit row
  and no anchor behind: ``audit verify`` stays clean.
- ``Batch`` is a transaction held open across calls, for the crawl's batched writers: it is
  committed every so many writes and when the crawl closes, and each write inside it is a
  savepoint of its own.

Rejected: sqlite-utils' ``with db.conn:`` (under sqlite-utils 4 it opens no transaction, so
a row was committed although the audit append after it failed) and ``db.atomic()`` (a
deferred ``BEGIN``: two writers could both read, then one fail to upgrade its lock).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from .backend import Db

Hook = Callable[[], None]


@dataclass
class _Open:
    """The hooks of a connection's open transaction (in order; keyed ones once)."""

    before: list[Hook] = field(default_factory=list)
    after: list[Hook] = field(default_factory=list)
    keys: set[Hashable] = field(default_factory=set)


_OPEN: WeakKeyDictionary[Any, _Open] = WeakKeyDictionary()
_EVERY_COMMIT: list[Callable[[Db], None]] = []


def before_every_commit(hook: Callable[[Db], None]) -> None:
    """Run ``hook(db)`` in every transaction as it commits, before its own hooks (the audit
    log's ``rows`` entry, what the transaction wrote, comes before the transaction's events;
    the hooks queued with ``before_commit`` write only audit rows, which are not covered)."""
    _EVERY_COMMIT.append(hook)


def _open_state(db: Db) -> _Open:
    state = _OPEN.get(db)
    if state is None or not db.in_transaction:
        raise RuntimeError("no transaction is open on this connection: use transaction(db)")
    return state


def before_commit(db: Db, hook: Hook) -> None:
    """Run ``hook`` inside the open transaction, just before it commits (dropped if the
    transaction, or the savepoint it was queued in, rolls back)."""
    _open_state(db).before.append(hook)


def after_commit(db: Db, hook: Hook, key: Hashable | None = None) -> None:
    """Run ``hook`` once the open transaction has committed; with ``key``, at most once per
    transaction whatever the number of calls."""
    state = _open_state(db)
    if key is not None:
        if key in state.keys:
            return
        state.keys.add(key)
    state.after.append(hook)


@contextmanager
def transaction(db: Db) -> Iterator[None]:
    """A write transaction; a savepoint when one is already open (see the module doc)."""
    if db.in_transaction:
        with _savepoint(db):
            yield
        return
    _begin(db)
    try:
        yield
    except BaseException:
        _rollback(db)
        raise
    _commit(db)


@contextmanager
def _savepoint(db: Db) -> Iterator[None]:
    state = _open_state(db)
    name = f"cs_{secrets.token_hex(8)}"
    marks = (len(state.before), len(state.after), set(state.keys))
    db.savepoint(name)
    try:
        yield
    except BaseException:
        db.rollback_to_savepoint(name)
        del state.before[marks[0] :]
        del state.after[marks[1] :]
        state.keys = marks[2]
        raise
    db.release_savepoint(name)


def _begin(db: Db) -> None:
    db.begin_write()
    _OPEN[db] = _Open()


def _rollback(db: Db) -> None:
    _OPEN.pop(db, None)
    db.rollback_write()


def _commit(db: Db) -> None:
    state = _OPEN[db]
    try:
        for every in _EVERY_COMMIT:  # first: what the transaction wrote, before its events
            every(db)
        while state.before:  # a hook may queue more (the audit rows of a batch)
            state.before.pop(0)()
        db.commit_write()
    except BaseException:
        _rollback(db)
        raise
    _OPEN.pop(db, None)
    for hook in state.after:
        hook()


class Batch:
    """A transaction held open across calls: ``write()`` blocks accumulate until
    ``commit()``; ``commit_every`` writes commit by themselves."""

    def __init__(self, db: Db, commit_every: int) -> None:
        self.db = db
        self.commit_every = commit_every
        self.pending = 0

    @contextmanager
    def write(self) -> Iterator[None]:
        """One unit of work: all of it or none of it joins the batch."""
        if not self.db.in_transaction:
            _begin(self.db)
        try:
            with _savepoint(self.db):
                yield
        except BaseException:
            if self.commit_every <= 1:
                # One write per transaction (PostgreSQL: its identity locks end with it):
                # a failed write does not keep the transaction, and its locks, open.
                self.commit()
            raise
        self.pending += 1
        if self.pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """Commit what the batch holds (and whatever else the connection's open transaction
        holds), running its hooks."""
        if self.db.in_transaction and self.db in _OPEN:
            _commit(self.db)
        self.pending = 0

    def rollback(self) -> None:
        if self.db.in_transaction:
            _rollback(self.db)
        self.pending = 0
