"""An import's file read where its batches are prepared: the first pass's `scan` (row and family counts,
duplicate NIKs, families spread over the file), and the second pass's `FileBatches`, which gathers the rows
into families as the file lists them and prepares each batch (`preparing`).

The second pass runs where preparing runs, in the import's worker process for a large file: the service then
neither parses the file nor sends its rows to the worker, and gets back each batch prepared, with its rows
packed for the rare family it must check again (one the registry turns out to hold). Like `preparing`, this
module loads no web framework and no database driver."""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from registry.imports import columns, reader
from registry.imports.preparing import Batch, PreparedBatch, prepare
from registry.imports.reader import Cells, pack


def key(cells: Cells, at: int, field_name: str) -> str | None:
    """A cell read as a No. KK or NIK, or None when it is empty or unreadable."""
    cell = cells[at] if at < len(cells) else None
    if type(cell) is str and cell.isdigit():  # as nearly every file gives it: nothing to normalise
        return cell
    try:
        value = columns.normalise(field_name, cell)
    except ValueError:
        return None
    return value if isinstance(value, str) and value else None


@dataclass
class Scan:
    """What a first, quick pass over the file tells, reading only the No. KK and NIK columns."""

    rows: int = 0
    families: int = 0
    scattered: set[str] = field(default_factory=set)  # No. KK whose rows are not all consecutive
    earlier_nik: dict[int, int] = field(default_factory=dict)  # row number: the first row with its NIK


def scan(rows: Iterator[tuple[int, Cells]]) -> Scan:
    fields = columns.resolve_header(next(rows)[1])
    kk_at, nik_at = fields.index("kk_number"), fields.index("nik")
    found = Scan()
    last_index: dict[str, int] = {}
    first_row_of_nik: dict[str, int] = {}
    for index, (number, cells) in enumerate(rows):
        found.rows += 1
        kk = key(cells, kk_at, "kk_number")
        if kk is None:  # a row without a readable No. KK stands alone
            found.families += 1
        else:
            previous = last_index.get(kk)
            if previous is None:
                found.families += 1
            elif previous != index - 1:
                found.scattered.add(kk)
            last_index[kk] = index
        nik = key(cells, nik_at, "nik")
        if nik is not None:
            first = first_row_of_nik.setdefault(nik, number)
            if first != number:
                found.earlier_nik[number] = first
    return found


@dataclass
class Chunk:
    families: list[list[tuple[int, Cells | str]]]  # whole families whose rows stand together in the file
    scattered: list[tuple[int, Cells | str]]  # rows of the families in Scan.scattered, staged until the file is read


class FamilyReader:
    """The second pass: the rows gathered into families as the file lists them (by the same No. KK key as
    the scan's), in chunks for `preparing.prepare`."""

    def __init__(self, rows: Iterator[tuple[int, Cells]], found: Scan) -> None:
        self._rows = rows
        self.fields = columns.resolve_header(next(self._rows)[1])
        self._kk_at = self.fields.index("kk_number")
        self._scan = found
        self._family: list[tuple[int, Cells | str]] = []
        self._family_kk: str | None = None

    def chunk(self, families: int, rows: int) -> Chunk | None:
        """Up to about `families` whole families or `rows` rows; None at the end of the file."""
        chunk = Chunk([], [])
        for count, row in enumerate(self._rows, start=1):
            kk = key(row[1], self._kk_at, "kk_number")
            if kk is not None and kk in self._scan.scattered:
                chunk.scattered.append(row)
            else:
                if self._family and (kk is None or kk != self._family_kk):  # a row without a No. KK stands alone
                    chunk.families.append(self._family)
                    self._family = []
                self._family.append(row)
                self._family_kk = kk
            if len(chunk.families) >= families or count >= rows:
                return chunk
        if self._family:
            chunk.families.append(self._family)
            self._family = []
        return chunk if chunk.families or chunk.scattered else None

    def batch(self, families: int, rows: int, *, created_by: str, today: date) -> Batch | None:
        """The next chunk as a batch to prepare, with what the scan found of its rows' NIKs."""
        chunk = self.chunk(families, rows)
        if chunk is None:
            return None
        same_nik_as = {}
        if earlier := self._scan.earlier_nik:
            for number, _ in itertools.chain(itertools.chain.from_iterable(chunk.families), chunk.scattered):
                if number in earlier:
                    same_nik_as[number] = earlier[number]
        return Batch(self.fields, chunk.families, chunk.scattered, same_nik_as, created_by, today)


class FileBatches:
    """The second pass over one import's file, batch by batch (`next_batch`): from the CSV itself, or from the
    spool of a workbook's rows that the first pass wrote."""

    def __init__(
        self, path: Path, kind: reader.FileKind, spool: Path, found: Scan, created_by: str, today: date
    ) -> None:
        rows = reader.rows(path, kind) if kind is reader.FileKind.CSV else reader.spooled(spool)
        self._rows: Generator[tuple[int, Cells], None, None] = rows
        self._families = FamilyReader(rows, found)
        self._created_by, self._today = created_by, today

    def next(self, families: int, rows: int) -> tuple[Batch, PreparedBatch] | None:
        """The next batch prepared, its families' rows packed (the staged rows are in the prepared batch), or
        None at the end of the file."""
        batch = self._families.batch(families, rows, created_by=self._created_by, today=self._today)
        if batch is None:
            self.close()
            return None
        whole = [[(number, pack(cells)) for number, cells in family] for family in batch.families]
        packed = replace(batch, families=whole)  # read packed: each cell known a text, not asked its type
        return replace(packed, scattered=[]), prepare(packed)

    def close(self) -> None:
        self._rows.close()


def next_batch(batches: FileBatches, families: int, rows: int) -> tuple[Batch, PreparedBatch] | None:
    """`FileBatches.next`, as the service calls it through the preparer."""
    return batches.next(families, rows)
