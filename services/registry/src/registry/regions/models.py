"""The Kemendagri region hierarchy: provinsi (2 digits) → kabupaten/kota (4) → kecamatan (6) → desa (10)."""

from enum import StrEnum

from sqlmodel import Field, SQLModel


class RegionLevel(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KECAMATAN = "kecamatan"
    DESA = "desa"


CODE_LENGTH = {
    RegionLevel.PROVINSI: 2,
    RegionLevel.KABUPATEN: 4,
    RegionLevel.KECAMATAN: 6,
    RegionLevel.DESA: 10,
}


class Region(SQLModel, table=True):
    __tablename__ = "region"

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=120)
    level: str = Field(max_length=12)
    parent_code: str | None = Field(default=None, foreign_key="region.code", index=True, max_length=10)
