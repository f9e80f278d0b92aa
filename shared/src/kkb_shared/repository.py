"""The generic part of every domain package's `repository.py`: a model's live records as one caller may see
them (scoped by region through `kkb_shared.scope.scoped`), fetched one by id or 404, listed a page at a time
in a unique key's order (its id), and soft-deleted (nothing a report counts is ever removed).

A domain's repository names its model, the noun of its 404, and the column that places a record in a region;
it narrows `visible()` where a role sees less (a sponsor its own, a kitchen manager their kitchen) and adds
the queries only it has. Use cases never write the scoped get-or-404, the cursor loop or the soft delete by
hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import NotFound
from kkb_shared.pagination import Cursor, Page, keyset_page
from kkb_shared.scope import scoped

ModelT = TypeVar("ModelT")
ItemT = TypeVar("ItemT")


class Repository(Generic[ModelT]):
    """Queries of one model within a caller's scope, in the caller's session (they flush, never commit)."""

    model: ClassVar[type[Any]]
    noun: ClassVar[str]  # in the 404's text: "No {noun} {id}"
    region_column: ClassVar[str] = "desa_code"  # the column scoping reads; "" for a model with no region
    soft_deleted: ClassVar[bool] = True  # has `deleted_at`, and lists and gets leave deleted rows out
    id_column: ClassVar[str] = "id"  # the key `get` finds a record by
    list_key: ClassVar[str] = "id"  # the unique column lists are ordered and resumed by

    def __init__(self, session: AsyncSession, principal: Principal | None = None) -> None:
        """`principal`: the caller, whose region scopes every query; only a repository of records no region
        holds (reference data, the gateway's accounts) may be made without one."""
        if principal is None and self.region_column:
            raise TypeError(f"{type(self).__name__} scopes by region: it needs the caller")
        self.session = session
        self._principal = principal

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            raise TypeError(f"{type(self).__name__} was made without a caller")
        return self._principal

    def column(self, name: str) -> Any:
        return getattr(self.model, name)

    def live(self) -> Select[ModelT]:
        """Every live record, whoever asks: the start of `visible()`, and of a job's queries."""
        query: Select[ModelT] = select(self.model)
        return query.where(self.column("deleted_at").is_(None)) if self.soft_deleted else query

    def visible(self) -> Select[ModelT]:
        """The caller's live records: those of its region (every region for a national caller). Override it
        where a role sees less, starting from `live()`."""
        query = self.live()
        return scoped(query, self.column(self.region_column), self.principal) if self.region_column else query

    async def find(self, record_id: str, *, for_update: bool = False) -> ModelT | None:
        query = self.visible().where(self.column(self.id_column) == record_id)
        if for_update:  # PostgreSQL locks the row until the unit of work ends; SQLite's writer holds the file
            query = query.with_for_update()
        found: ModelT | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def get(self, record_id: str, *, for_update: bool = False) -> ModelT:
        """The record, if the caller may see it; a 404 otherwise (a record out of scope reads as missing)."""
        found = await self.find(record_id, for_update=for_update)
        if found is None:
            raise NotFound(f"No {self.noun} {record_id}")
        return found

    async def after(self, query: Select[ModelT], *, cursor: str | None, kind: Cursor[str], limit: int) -> list[ModelT]:
        """Up to `limit + 1` rows of `query` (built from `visible()`) in `list_key` order, after the position
        `cursor` names: the extra row only says there is more (`keyset_page`)."""
        key = self.column(self.list_key)
        if (position := kind.decode(cursor)) is not None:
            query = query.where(key > position)
        return list((await self.session.execute(query.order_by(key).limit(limit + 1))).scalars())

    async def page(
        self,
        query: Select[ModelT],
        *,
        cursor: str | None,
        kind: Cursor[str],
        limit: int,
        item: Callable[[ModelT], ItemT],
    ) -> Page[ItemT]:
        """A page of `query` in `list_key` order, from the position `cursor` names."""
        rows = await self.after(query, cursor=cursor, kind=kind, limit=limit)
        return keyset_page(rows, limit, item=item, key=lambda row: str(getattr(row, self.list_key)), cursor=kind)

    async def soft_delete(self, record: ModelT, **changes: Any) -> None:
        """Mark the record deleted (and `updated_at`, where it has one); other `changes` go with it."""
        now = utcnow()
        record_any: Any = record
        record_any.deleted_at = now
        if hasattr(record_any, "updated_at"):
            record_any.updated_at = now
        for name, value in changes.items():
            setattr(record_any, name, value)
        await self.session.flush()
