"""Reading an uploaded file row by row without holding it in memory: CSV (UTF-8, comma, semicolon or tab)
or XLSX (first sheet). The kind is told by the content, not the file name."""

from __future__ import annotations

import csv
import pickle
from collections.abc import Generator, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from python_calamine_plus import CalamineError, CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024
SEPARATORS = (",", ";", "\t")
# A row's cells joined into one text where that is lossless: a tenth of the cost of pickling them one by one, for
# the spool and for the way back from the import's worker. A row holding a NUL itself is kept as its cells.
PACK_SEPARATOR = "\x00"

Cells = list[Any]


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class UnreadableFile(ValueError):
    pass


def detect(path: Path) -> FileKind:
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES)
    if not head.strip():
        raise UnreadableFile("the file is empty")
    if head.startswith(XLSX_MAGIC):
        return FileKind.XLSX
    if b"\x00" in head:
        raise UnreadableFile("the file is neither a CSV text file nor an XLSX workbook")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise UnreadableFile("the file is neither UTF-8 CSV nor an XLSX workbook") from exc
    return FileKind.CSV


def rows(path: Path, kind: FileKind) -> Generator[tuple[int, list[Any]], None, None]:
    """(row number as a spreadsheet shows it, cells). Empty rows and CSV lines starting with `#` are skipped."""
    if kind is FileKind.XLSX:
        yield from _xlsx_rows(path)
    else:
        yield from _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """RFC 4180 as Excel and LibreOffice write it (doubled quotes, separators and line breaks inside quoted
    cells); only the separator is taken from the file, from its header line: comma, semicolon (Excel in the
    Indonesian locale) or tab."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        sample = file.read(SNIFF_BYTES)
        file.seek(0)
        header = next((line for line in sample.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
        try:
            for number, cells in enumerate(records(file, _separator(header)), start=1):
                first = cells[0].lstrip() if cells else ""
                if first.startswith("#") or (not first and not any(cell.strip() for cell in cells)):
                    continue  # a comment, or an empty line (only a row whose first cell is blank needs looking at)
                yield number, cells
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UnreadableFile(f"the CSV cannot be read: {exc}") from exc


def records(lines: Iterator[str], separator: str) -> Iterator[list[str]]:
    """The records `csv.reader` reads from `lines` (a text file opened with `newline=""`), the same cells. A line
    without a quote, as nearly every line of an office's export is, is split as it is, at a third of the
    reader's cost; a line with one (a quoted cell, perhaps over several lines) goes through the reader, which
    reads on for as many lines as its record takes."""
    held: list[str] = []

    def feed() -> Iterator[str]:
        while True:
            if held:
                yield held.pop()
            elif (line := next(lines, None)) is not None:
                yield line
            else:
                return

    parser = csv.reader(feed(), csv.excel, delimiter=separator)
    for line in lines:
        if '"' in line:
            held.append(line)
            yield next(parser)
        else:
            text = line.rstrip("\r\n")
            yield text.split(separator) if text else []


def pack(cells: Cells | str) -> Cells | str:
    """A row's cells as one text, when they are all texts (or empty: read back as empty texts) without the
    separator; else the cells themselves (a workbook's numbers and dates keep their types)."""
    if isinstance(cells, str):
        return cells
    try:
        packed = PACK_SEPARATOR.join(cells)
    except TypeError:
        if any(cell is not None and type(cell) is not str for cell in cells):
            return cells
        packed = PACK_SEPARATOR.join(cell or "" for cell in cells)
    return packed if packed.count(PACK_SEPARATOR) == len(cells) - 1 else cells


def unpack(cells: Cells | str) -> Cells:
    return cells.split(PACK_SEPARATOR) if isinstance(cells, str) else cells


def _separator(header: str) -> str:
    """The separator the header line uses most (a header holds no quoted separators); a comma by default."""
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """The first sheet's rows, streamed by calamine (a compiled reader: several times faster than parsing the
    workbook's XML in Python) straight from the compressed file, so memory stays flat however long the sheet.
    The stream starts at the sheet's first row and column, so each row's number and each cell's column are
    the sheet's own."""
    try:
        workbook = CalamineWorkbook.from_path(path)
        stream = workbook.stream_sheet_by_index(0)
    except (CalamineError, OSError, IndexError) as exc:
        raise UnreadableFile("the file looks like a workbook but cannot be opened as XLSX") from exc
    try:
        for offset, cells in enumerate(stream):
            first = cells[0] if cells else None
            if isinstance(first, str) and (first := first.lstrip()).startswith("#"):
                continue
            blank = first in (None, "")  # only a row whose first cell is blank can be empty
            if blank and all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            yield offset + 1, cells
    except CalamineError as exc:
        raise UnreadableFile("the workbook cannot be read through") from exc
    finally:
        workbook.close()


SPOOL_BATCH = 1000


def spool(rows: Iterator[tuple[int, list[Any]]], path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Pass the rows on and write them to `path` as they go (packed), so that a second pass (`spooled`) reads
    them again without parsing the file again: a workbook's XML is slow to parse. The spool is the service's own
    file, next to the upload; nothing else writes it."""
    with path.open("wb") as file:
        batch: list[tuple[int, Cells | str]] = []
        for row in rows:
            yield row
            batch.append((row[0], pack(row[1])))
            if len(batch) == SPOOL_BATCH:
                pickle.dump(batch, file, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        pickle.dump(batch, file, protocol=pickle.HIGHEST_PROTOCOL)


def spooled(path: Path) -> Generator[tuple[int, list[Any]], None, None]:
    with path.open("rb") as file:
        while True:
            try:
                batch = pickle.load(file)  # noqa: S301 (the service's own spool, written by `spool`)
            except EOFError:
                return
            for number, cells in batch:
                yield number, unpack(cells)
