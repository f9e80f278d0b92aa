"""Empty import templates: the header row, and a short description of each column."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from registry.imports.columns import COLUMNS


def template_csv() -> str:
    """Description lines start with `#`, which the importer skips, so the template imports as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("# Satu baris per anggota keluarga; kolom keluarga diulang di setiap baris anggotanya.\n")
    for column in COLUMNS:
        buffer.write(f"# {column.header}: {column.description}\n")
    writer.writerow([column.header for column in COLUMNS])
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """Sheet `data` with the header row (text format for the number columns), sheet `keterangan` with
    the description of each column."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([column.header for column in COLUMNS])
    notes = workbook.create_sheet("keterangan")
    notes.append(["kolom", "keterangan"])
    for column in COLUMNS:
        notes.append([column.header, column.description])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
