"""The registry's vocabularies; values are the API's words."""

from enum import StrEnum


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Relation(StrEnum):
    """Relation to the head of the family, as on the Kartu Keluarga."""

    KEPALA_KELUARGA = "kepala_keluarga"
    SUAMI = "suami"
    ISTRI = "istri"
    ANAK = "anak"
    MENANTU = "menantu"
    CUCU = "cucu"
    ORANG_TUA = "orang_tua"
    MERTUA = "mertua"
    FAMILI_LAIN = "famili_lain"
    LAINNYA = "lainnya"


class MaritalStatus(StrEnum):
    BELUM_KAWIN = "belum_kawin"
    KAWIN = "kawin"
    CERAI_HIDUP = "cerai_hidup"
    CERAI_MATI = "cerai_mati"


class Contraception(StrEnum):
    TIDAK_ADA = "tidak_ada"
    PIL = "pil"
    SUNTIK = "suntik"
    KONDOM = "kondom"
    IUD = "iud"
    IMPLAN = "implan"
    MOW = "mow"
    MOP = "mop"
    MAL = "mal"
    TRADISIONAL = "tradisional"


class WaterSource(StrEnum):
    """Main drinking-water source (Pendataan Keluarga / Verval KRS)."""

    LEDENG = "ledeng"
    AIR_KEMASAN = "air_kemasan"
    SUMUR_BOR = "sumur_bor"
    SUMUR_TERLINDUNG = "sumur_terlindung"
    SUMUR_TAK_TERLINDUNG = "sumur_tak_terlindung"
    MATA_AIR_TERLINDUNG = "mata_air_terlindung"
    MATA_AIR_TAK_TERLINDUNG = "mata_air_tak_terlindung"
    AIR_HUJAN = "air_hujan"
    AIR_PERMUKAAN = "air_permukaan"
    LAINNYA = "lainnya"


class Latrine(StrEnum):
    SENDIRI_LAYAK = "sendiri_layak"
    BERSAMA = "bersama"
    TIDAK_LAYAK = "tidak_layak"
    TIDAK_ADA = "tidak_ada"


class PovertyStatus(StrEnum):
    MISKIN_EKSTREM = "miskin_ekstrem"
    MISKIN = "miskin"
    RENTAN_MISKIN = "rentan_miskin"
    TIDAK_MISKIN = "tidak_miskin"


class Target(StrEnum):
    """Sasaran of stunting prevention a family can hold (BKKBN, Verval KRS)."""

    PUS = "pus"
    IBU_HAMIL = "ibu_hamil"
    BADUTA = "baduta"
    BALITA = "balita"
    CATIN = "catin"


class RiskFactor(StrEnum):
    """Risk factors recorded by Verval KRS (BKKBN)."""

    AIR_MINUM_TIDAK_LAYAK = "air_minum_tidak_layak"
    JAMBAN_TIDAK_LAYAK = "jamban_tidak_layak"
    TERLALU_MUDA = "terlalu_muda"
    TERLALU_TUA = "terlalu_tua"
    TERLALU_DEKAT = "terlalu_dekat"
    TERLALU_BANYAK = "terlalu_banyak"
    MISKIN = "miskin"


class DataQualityFlag(StrEnum):
    NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
