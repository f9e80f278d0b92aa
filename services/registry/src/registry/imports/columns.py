"""The import (and export) layout: one row per member, the family's columns repeated on each of its rows.

Headers are accepted as the template writes them (Indonesian) or as the API's field names, in any case.
Cell values are normalised here, as pure functions, before the API's own schemas validate them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kkb_shared.spreadsheet import restore

# Excel's serial day 0 (with its 1900 leap-year bug already folded in for dates after February 1900).
EXCEL_EPOCH = date(1899, 12, 30)
LARGEST_EXACT_NUMBER = 2**53


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    description: str
    family: bool = False


COLUMNS = (
    Column("kk_number", "no_kk", "Nomor Kartu Keluarga, 16 digit (tulis sebagai teks)", family=True),
    Column("desa_code", "kode_desa", "Kode wilayah Kemendagri desa/kelurahan, 10 digit tanpa titik", family=True),
    Column("address", "alamat", "Alamat keluarga", family=True),
    Column("rt", "rt", "RT, sampai 3 digit", family=True),
    Column("rw", "rw", "RW, sampai 3 digit", family=True),
    Column(
        "water_source",
        "sumber_air_minum",
        "ledeng, air_kemasan, sumur_bor, sumur_terlindung, sumur_tak_terlindung, mata_air_terlindung, "
        "mata_air_tak_terlindung, air_hujan, air_permukaan, lainnya",
        family=True,
    ),
    Column("latrine", "jamban", "sendiri_layak, bersama, tidak_layak, tidak_ada", family=True),
    Column(
        "poverty_status", "status_kesejahteraan", "miskin_ekstrem, miskin, rentan_miskin, tidak_miskin", family=True
    ),
    Column("nik", "nik", "NIK anggota keluarga, 16 digit (tulis sebagai teks)"),
    Column("name", "nama", "Nama lengkap"),
    Column("sex", "jenis_kelamin", "L (laki-laki) atau P (perempuan)"),
    Column("birth_date", "tanggal_lahir", "Tanggal lahir, YYYY-MM-DD atau DD-MM-YYYY"),
    Column(
        "relation",
        "hubungan_keluarga",
        "kepala_keluarga, suami, istri, anak, menantu, cucu, orang_tua, mertua, famili_lain, lainnya",
    ),
    Column("marital_status", "status_kawin", "belum_kawin, kawin, cerai_hidup, cerai_mati"),
    Column("is_pregnant", "sedang_hamil", "ya atau tidak (kosong = tidak)"),
    Column("pregnancy_start_date", "tanggal_mulai_hamil", "Hari pertama haid terakhir, jika sedang hamil"),
    Column(
        "contraception", "alat_kontrasepsi", "tidak_ada, pil, suntik, kondom, iud, implan, mow, mop, mal, tradisional"
    ),
    Column("planned_marriage_date", "rencana_tanggal_nikah", "Untuk calon pengantin: tanggal rencana menikah"),
    Column("mother_nik", "nik_ibu", "Untuk anak: NIK ibunya, anggota keluarga yang sama (boleh kosong)"),
    Column(
        "children_born_alive",
        "jumlah_anak_lahir_hidup",
        "Untuk perempuan: jumlah anak lahir hidup menurut pengakuannya, termasuk yang tidak lagi di KK",
    ),
)
# Columns a file may leave out; a member already registered keeps its value for a column the file lacks.
OPTIONAL_MEMBER_FIELDS = ("mother_nik", "children_born_alive")
FAMILY_FIELDS = tuple(c.field for c in COLUMNS if c.family)
MEMBER_FIELDS = tuple(c.field for c in COLUMNS if not c.family)
REQUIRED = ("kk_number", "desa_code", "address", "nik", "name", "sex", "birth_date", "relation", "marital_status")
DATE_FIELDS = frozenset({"birth_date", "pregnancy_start_date", "planned_marriage_date"})
DIGIT_FIELDS = frozenset({"kk_number", "desa_code", "nik", "rt", "rw", "mother_nik"})
CHOICE_FIELDS = frozenset({"water_source", "latrine", "poverty_status", "relation", "marital_status", "contraception"})
HEADER_OF = {c.field: c.header for c in COLUMNS}
_BY_NAME = {name: c.field for c in COLUMNS for name in (c.field, c.header)}

SEX_WORDS = {
    "l": "male",
    "laki-laki": "male",
    "laki laki": "male",
    "male": "male",
    "p": "female",
    "perempuan": "female",
    "female": "female",
}
TRUE_WORDS = {"ya", "y", "true", "1", "yes", "hamil"}
FALSE_WORDS = {"tidak", "t", "false", "0", "no", ""}


class HeaderError(ValueError):
    def __init__(self, missing: list[str], unknown: list[str], duplicated: list[str]) -> None:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(unknown))
        if duplicated:
            parts.append("columns given twice: " + ", ".join(duplicated))
        super().__init__("; ".join(parts))
        self.missing, self.unknown, self.duplicated = missing, unknown, duplicated


def resolve_header(cells: list[Any]) -> list[str | None]:
    """Map a header row to field names (None for the empty cells before and after the table: a sheet's table
    may start in any column); HeaderError names what is wrong."""
    names = [str(cell).strip().lower() if cell is not None else "" for cell in cells]
    while names and names[-1] == "":
        names.pop()
    before = next((index for index, name in enumerate(names) if name), len(names))
    fields: list[str | None] = [None] * before
    unknown, seen, duplicated = [], set(), []
    for name in names[before:]:
        field = _BY_NAME.get(name)
        if field is None:
            unknown.append(name or "(empty)")
        elif field in seen:
            duplicated.append(name)
        else:
            seen.add(field)
        fields.append(field)
    missing = [HEADER_OF[f] for f in REQUIRED if f not in seen]
    if missing or unknown or duplicated:
        raise HeaderError(missing, unknown, duplicated)
    return fields


def normalise(field: str, value: Any) -> Any:
    """A cell as the schemas expect it; ValueError says why it cannot be read."""
    return CONVERTERS[field](value)


Converter = Callable[[Any], Any]


def _converter(field: str) -> Converter:
    """`normalise` for one column, chosen once: an import calls it for every cell."""
    from_text, empty = TEXT_CONVERTERS[field]
    return _cell_reader(from_text, _date if field in DATE_FIELDS else _digits if field in DIGIT_FIELDS else None, empty)


def _text_converter(field: str) -> tuple[Callable[[str], Any], Any]:
    """How one column's stripped, non-empty text is read, and what an empty cell is."""
    if field in DATE_FIELDS:
        return _date_text, None
    if field in DIGIT_FIELDS:
        return _digits_text, None
    if field == "is_pregnant":
        return _yes_no, False
    return (_sex if field == "sex" else _choice if field in CHOICE_FIELDS else restore), None


def _cell_reader(from_text: Callable[[str], Any], typed: Converter | None = None, empty: Any = None) -> Converter:
    """A blank cell is `empty`; text (all a CSV holds, and most of a workbook) is stripped and read by
    `from_text`; a workbook's numbers and dates by `typed` (by default, as their text)."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return from_text(text) if text else empty
        if value is None:
            return empty
        return typed(value) if typed is not None else from_text(str(value).strip())

    return convert


def _yes_no(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("write ya or tidak")


def _sex(text: str) -> str:
    return SEX_WORDS.get(text.lower(), text)


def _choice(text: str) -> str:
    return text.lower().replace(" ", "_").replace("-", "_")


def _digits_text(text: str) -> str:
    if text.isdigit():
        return text
    text = text.lstrip("'")
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _digits(value: Any) -> str:
    """Numbers Excel stored as numbers come back as text; a number too large to be exact is refused."""
    if isinstance(value, bool):
        raise ValueError("expected digits")
    if isinstance(value, int | float) and value >= LARGEST_EXACT_NUMBER:
        raise ValueError("stored as a number too large to be exact; store the column as text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("stored as a number that lost digits; store the column as text")
        return str(int(value))
    return _digits_text(str(value).strip())


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_FIRST_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def _date_text(text: str) -> date:
    if ISO_DATE.fullmatch(text):
        return date.fromisoformat(text)
    match = DAY_FIRST_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError("not a date: write YYYY-MM-DD or DD-MM-YYYY")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EXCEL_EPOCH + timedelta(days=int(value))
    return _date_text(str(value).strip())


# Per column: (read a stripped text, an empty cell's value), for the cells that are all text (a CSV's), and
# the whole converter for a cell of any type (a workbook's).
TEXT_CONVERTERS = {c.field: _text_converter(c.field) for c in COLUMNS}
CONVERTERS = {c.field: _converter(c.field) for c in COLUMNS}
