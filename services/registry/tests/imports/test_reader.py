"""The CSV reader splits a line without a quote itself and gives the rest to Python's csv module: whatever a
spreadsheet writes, its records are the csv module's, cell for cell."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.imports.reader import SEPARATORS, pack, records, unpack

CELL = st.text(alphabet=st.sampled_from([*"ab 1\"'#", ",", ";", "\t", "\n", "\r"]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, max_size=5), max_size=6),
    separator=st.sampled_from(SEPARATORS),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    last_ending=st.booleans(),
)
def test_records_are_the_csv_modules(
    rows: list[list[str]], separator: str, ending: str, quoting: int, last_ending: bool
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=ending, quoting=quoting).writerows(rows)
    text = buffer.getvalue()
    if not last_ending:
        text = text.removesuffix(ending)
    expected = list(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=separator))
    assert list(records(io.StringIO(text, newline=""), separator)) == expected


@pytest.mark.parametrize(
    "text",
    [
        'a,"b\nc",d\ne,f\n',  # a quoted cell over two lines, then a plain line
        'a,"unclosed\nb,c\n',  # a quote never closed: the rest of the file is its cell
        'a,b"c,d\n\n\ne\n',  # a quote inside an unquoted cell, then empty lines
        '"x"\r\n"y"\r\nz',
    ],
)
def test_quoted_and_odd_lines_read_as_the_csv_module_reads_them(text: str) -> None:
    expected = list(csv.reader(io.StringIO(text, newline=""), csv.excel))
    assert list(records(io.StringIO(text, newline=""), ",")) == expected


def test_a_nul_far_into_the_file_is_a_character_of_its_cell_and_its_row_is_not_packed() -> None:
    (row,) = records(io.StringIO("c,\x00d\n", newline=""), ",")
    assert row == ["c", "\x00d"] and unpack(pack(row)) == row
