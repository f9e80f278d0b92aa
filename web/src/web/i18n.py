"""The interface in Indonesian, with English as the second language (a person's choice, kept in a cookie).
Numbers, percentages, dates and rupiah are written as in Indonesia in both (CLDR's id_ID and en_ID locales,
through Babel): 1.234,5 and Rp 1.500.000; month names follow the language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
LOCALES = {"id": "id_ID", "en": "en_ID"}

# key: (Indonesian, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app": ("Kampung KB", "Kampung KB"),
    "skip": ("Lewati ke isi", "Skip to content"),
    "sign_in": ("Masuk", "Sign in"),
    "sign_out": ("Keluar", "Sign out"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "sign_in_failed": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "signed_in_as": ("Masuk sebagai", "Signed in as"),
    "home": ("Beranda", "Home"),
    "krs": ("Keluarga Berisiko Stunting", "Families at risk of stunting"),
    "krs_short": ("Tabel KRS", "KRS table"),
    "families": ("Keluarga", "Families"),
    "sponsor": ("Anak asuh saya", "My anak asuh"),
    "kitchen": ("Dapur DASHAT", "DASHAT kitchen"),
    "region": ("Wilayah", "Region"),
    "indonesia": ("Indonesia", "Indonesia"),
    "total": ("Jumlah", "Total"),
    "download_csv": ("Unduh CSV", "Download CSV"),
    "download_xlsx": ("Unduh XLSX", "Download XLSX"),
    "fresh_as_of": ("Penilaian tertua dihitung", "Oldest assessment counted"),
    "col_families": ("Keluarga", "Families"),
    "col_sasaran": ("Keluarga sasaran", "Target families"),
    "col_krs": ("KRS", "At risk (KRS)"),
    "col_pus": ("PUS", "PUS"),
    "col_ibu_hamil": ("Ibu hamil", "Pregnant"),
    "col_baduta": ("Baduta", "Baduta (0-23 m)"),
    "col_balita": ("Balita", "Balita (24-59 m)"),
    "col_catin": ("Catin", "Catin"),
    "col_air": ("Air minum tidak layak", "No safe water"),
    "col_jamban": ("Jamban tidak layak", "No proper latrine"),
    "col_muda": ("Terlalu muda", "Too young"),
    "col_tua": ("Terlalu tua", "Too old"),
    "col_dekat": ("Terlalu dekat", "Too close"),
    "col_banyak": ("Terlalu banyak", "Too many"),
    "col_miskin": ("Miskin", "Poor"),
    "share_note": (
        "Persentase KRS dan faktor risiko dihitung dari keluarga sasaran.",
        "Shares of KRS and risk factors are of the target families.",
    ),
    "search": ("Cari", "Search"),
    "search_hint": ("Nama, NIK, atau No. KK", "Name, NIK or No. KK"),
    "only_krs": ("Hanya KRS", "At risk only"),
    "kk_number": ("No. KK", "No. KK"),
    "address": ("Alamat", "Address"),
    "status": ("Status", "Status"),
    "is_krs": ("Berisiko stunting", "At risk of stunting"),
    "not_krs": ("Tidak berisiko", "Not at risk"),
    "next_page": ("Halaman berikutnya", "Next page"),
    "no_results": ("Tidak ada data.", "Nothing found."),
    "family": ("Keluarga", "Family"),
    "members": ("Anggota keluarga", "Members"),
    "name": ("Nama", "Name"),
    "nik": ("NIK", "NIK"),
    "sex": ("Jenis kelamin", "Sex"),
    "male": ("Laki-laki", "Male"),
    "female": ("Perempuan", "Female"),
    "birth_date": ("Tanggal lahir", "Birth date"),
    "relation": ("Hubungan", "Relation"),
    "krs_reasons": ("Alasan KRS", "Why at risk"),
    "targets": ("Sasaran", "Targets"),
    "risk_factors": ("Faktor risiko", "Risk factors"),
    "timeline": ("Linimasa keluarga", "Family timeline"),
    "unavailable": ("Tidak tersedia saat ini", "Unavailable right now"),
    "not_for_role": ("Tidak untuk peran Anda", "Not for your role"),
    "ev_registered": ("Keluarga tercatat di registri", "Family recorded in the registry"),
    "ev_assessed": ("Penilaian KRS", "KRS assessment"),
    "ev_visit": ("Kunjungan TPK", "TPK visit"),
    "ev_aid": ("Bantuan GENTING", "GENTING aid"),
    "ev_delivery": ("Penyaluran bantuan GENTING", "GENTING aid delivered"),
    "ev_meal": ("Makanan DASHAT", "DASHAT meal"),
    "record_visit": ("Catat kunjungan", "Record a visit"),
    "no_assignment": (
        "Anggota ini belum ditetapkan sebagai sasaran pendampingan TPK.",
        "This member is not assigned to a TPK for mentoring.",
    ),
    "growth_chart": ("Grafik pertumbuhan", "Growth chart"),
    "category": ("Kategori", "Category"),
    "visited_on": ("Tanggal kunjungan", "Visit date"),
    "weight_kg": ("Berat badan (kg)", "Weight (kg)"),
    "length_cm": ("Panjang/tinggi badan (cm)", "Length/height (cm)"),
    "position": ("Cara ukur", "Measured"),
    "lying": ("Berbaring", "Lying"),
    "standing": ("Berdiri", "Standing"),
    "notes": ("Catatan", "Notes"),
    "referred": ("Dirujuk", "Referred"),
    "save": ("Simpan", "Save"),
    "saved": ("Tersimpan.", "Saved."),
    "fix_fields": ("Periksa isian yang ditandai.", "Check the marked fields."),
    "lfa": ("Panjang/tinggi menurut umur", "Length/height-for-age"),
    "wfa": ("Berat menurut umur", "Weight-for-age"),
    "wfl": ("Berat menurut panjang badan", "Weight-for-length"),
    "wfh": ("Berat menurut tinggi badan", "Weight-for-height"),
    "age_months": ("Umur (bulan)", "Age (months)"),
    "weighing": ("Penimbangan bulanan (N/T/2T)", "Monthly weighing (N/T/2T)"),
    "gain_grams": ("Kenaikan (g)", "Gain (g)"),
    "kbm_grams": ("KBM (g)", "Minimum gain (g)"),
    "measured_on": ("Tanggal ukur", "Measured on"),
    "refused": ("Permintaan ditolak", "Request refused"),
    "error": ("Terjadi kesalahan", "Something went wrong"),
    "back": ("Kembali", "Back"),
    "alias": ("Alias", "Alias"),
    "desa": ("Desa", "Desa"),
    "trend": ("Tren pertumbuhan", "Growth trend"),
    "menus": ("Menu", "Menus"),
    "energy": ("Energi (kkal)", "Energy (kcal)"),
    "protein": ("Protein (g)", "Protein (g)"),
    "cost_per_portion": ("Biaya per porsi", "Cost per portion"),
    "target_group": ("Kelompok sasaran", "Target group"),
    # visit fields (f_) and their options (o_)
    "f_visited_on": ("Tanggal kunjungan", "Visit date"),
    "f_notes": ("Catatan", "Notes"),
    "f_referred": ("Dirujuk", "Referred"),
    "f_referral_to": ("Dirujuk ke", "Referred to"),
    "f_screening_date": ("Tanggal skrining", "Screening date"),
    "f_planned_marriage_date": ("Rencana tanggal menikah", "Planned marriage date"),
    "f_height_cm": ("Tinggi badan (cm)", "Height (cm)"),
    "f_weight_kg": ("Berat badan (kg)", "Weight (kg)"),
    "f_lila_cm": ("LiLA (cm)", "Mid-upper arm circumference (cm)"),
    "f_hb_g_dl": ("Hb (g/dL)", "Haemoglobin (g/dL)"),
    "f_counselling_given": ("Konseling diberikan", "Counselling given"),
    "f_gestational_age_weeks": ("Usia kehamilan (minggu)", "Gestational age (weeks)"),
    "f_ttd_tablets": ("Tablet tambah darah (butir)", "Iron tablets (count)"),
    "f_p4k_sticker": ("Stiker P4K terpasang", "P4K sticker in place"),
    "f_has_buku_kia": ("Punya buku KIA", "Has the KIA book"),
    "f_birth_fund_prepared": ("Dana persalinan disiapkan", "Birth fund prepared"),
    "f_danger_signs": ("Tanda bahaya", "Danger signs"),
    "f_delivery_date": ("Tanggal persalinan", "Delivery date"),
    "f_delivery_place": ("Tempat persalinan", "Place of delivery"),
    "f_kb_method": ("Metode KB pasca persalinan", "Post-partum contraception"),
    "f_complications": ("Komplikasi", "Complications"),
    "f_length_cm": ("Panjang/tinggi badan (cm)", "Length/height (cm)"),
    "f_position": ("Cara ukur", "Measured"),
    "f_head_circumference_cm": ("Lingkar kepala (cm)", "Head circumference (cm)"),
    "f_exclusive_breastfeeding": ("ASI eksklusif", "Exclusive breastfeeding"),
    "f_mp_asi": ("MP-ASI", "Complementary feeding"),
    "o_true": ("Ya", "Yes"),
    "o_false": ("Tidak", "No"),
    "o_lying": ("Berbaring", "Lying"),
    "o_standing": ("Berdiri", "Standing"),
    "o_perdarahan": ("Perdarahan", "Bleeding"),
    "o_demam_tinggi": ("Demam tinggi", "High fever"),
    "o_bengkak": ("Bengkak", "Swelling"),
    "o_kejang": ("Kejang", "Seizures"),
    "o_ketuban_pecah_dini": ("Ketuban pecah dini", "Waters broke early"),
    "o_gerakan_janin_berkurang": ("Gerakan janin berkurang", "Less fetal movement"),
    "o_muntah_terus": ("Muntah terus", "Constant vomiting"),
    "o_sakit_kepala_hebat": ("Sakit kepala hebat", "Severe headache"),
    "o_rumah_sakit": ("Rumah sakit", "Hospital"),
    "o_puskesmas": ("Puskesmas", "Puskesmas"),
    "o_klinik": ("Klinik", "Clinic"),
    "o_praktik_bidan": ("Praktik bidan", "Midwife's practice"),
    "o_rumah": ("Rumah", "Home"),
    "o_lainnya": ("Lainnya", "Other"),
    "o_iud": ("IUD", "IUD"),
    "o_implan": ("Implan", "Implant"),
    "o_mow": ("MOW", "Female sterilisation"),
    "o_mop": ("MOP", "Male sterilisation"),
    "o_pil": ("Pil", "Pill"),
    "o_suntik": ("Suntik", "Injection"),
    "o_kondom": ("Kondom", "Condom"),
    "o_mal": ("MAL", "Lactational amenorrhoea"),
    "o_tidak_ada": ("Tidak ada", "None"),
    "o_infeksi": ("Infeksi", "Infection"),
    "o_preeklampsia": ("Preeklampsia", "Pre-eclampsia"),
    "o_depresi": ("Depresi", "Depression"),
    "tpk_short": ("Tabel TPK", "TPK table"),
    "tpk_title": ("Pelaksanaan pendampingan KRS oleh TPK", "TPK mentoring of families at risk"),
    "tpk_note": (
        "Sasaran: sasaran kategori di registri; capaian: sasaran yang dikunjungi TPK dalam periode.",
        "Sasaran: the category's targets in the registry; capaian: those the TPK visited in the period.",
    ),
    "teams": ("Tim", "Teams"),
    "without_bidan": ("tanpa bidan", "without a midwife"),
    "sasaran": ("Sasaran", "Targets"),
    "capaian": ("Capaian", "Reached"),
    "cat_catin": ("Calon pengantin", "Brides- and grooms-to-be"),
    "cat_ibu_hamil": ("Ibu hamil", "Pregnant women"),
    "cat_pasca_persalinan": ("Ibu pasca persalinan", "Post-partum mothers"),
    "cat_baduta": ("Baduta", "Children 0-23 months"),
    "cat_balita": ("Balita", "Children 24-59 months"),
    "month": ("Bulan", "Month"),
    "span": ("Rentang", "Span"),
    "span_month": ("Bulan ini", "The month"),
    "span_quarter": ("Triwulan", "Quarter"),
    "span_ytd": ("Sejak Januari", "Year to date"),
    "show": ("Tampilkan", "Show"),
    "period": ("Periode", "Period"),
    "kb_short": ("Indikator KB", "KB indicators"),
    "kb_title": ("Kesertaan KB PUS keluarga berisiko stunting", "Contraception of PUS in families at risk"),
    "kb_note": (
        "MKJP: IUD, implan, MOW, MOP; non-MKJP: pil, suntik, kondom.",
        "Long-acting (MKJP): IUD, implant, female and male sterilisation; short-acting: pill, injection, condom.",
    ),
    "kb_pus": ("PUS", "PUS"),
    "kb_mkjp": ("MKJP", "Long-acting"),
    "kb_non_mkjp": ("Non-MKJP", "Short-acting"),
    "kb_other_method": ("Cara lain", "Other method"),
    "kb_no_method": ("Tidak ber-KB", "No method"),
    "kb_mkjp_percent": ("% MKJP", "% long-acting"),
    "kb_non_mkjp_percent": ("% non-MKJP", "% short-acting"),
    "genting_short": ("GENTING", "GENTING"),
    "genting_title": ("Dashboard pengawasan GENTING", "GENTING supervision dashboard"),
    "from": ("Dari", "From"),
    "to": ("Sampai", "To"),
    "refreshes_every": ("Halaman ini diperbarui otomatis setiap", "This page reloads itself every"),
    "matches_active": ("Anak asuh aktif", "Active anak asuh"),
    "committed": ("Komitmen", "Committed"),
    "received": ("Diterima", "Received"),
    "spent": ("Dibelanjakan", "Spent"),
    "deliveries": ("Penyaluran", "Deliveries"),
    "on_time": ("tepat waktu", "on time"),
    "late": ("terlambat", "late"),
    "unconfirmed": ("belum dikonfirmasi", "unconfirmed"),
    "growth": ("Pertumbuhan", "Growth"),
    "improved": ("membaik", "improved"),
    "not_improved": ("tidak membaik", "not improved"),
    "unknown": ("belum diketahui", "unknown"),
    "feedback_open": ("Umpan balik terbuka", "Open feedback"),
    "split_title": ("Bantuan gizi: bahan 80% / manajemen 20%", "Nutrition aid: 80% materials / 20% management"),
    "split_note": (
        "Manajemen paling banyak 20% dari bantuan gizi yang dibelanjakan.",
        "Management is at most 20% of the nutrition aid spent.",
    ),
    "sponsor_name": ("Orang tua asuh", "Sponsor"),
    "split_per_aid": ("Per bantuan gizi", "Per nutrition aid"),
    "value": ("Nilai", "Value"),
    "management_cap": ("Batas manajemen (20%)", "Management cap (20%)"),
    "below_80": ("bahan di bawah 80%", "materials below 80%"),
    "materials": ("Bahan", "Materials"),
    "monthly_report": ("Laporan bulanan", "Monthly report"),
    "portions": ("porsi", "portions"),
    "balance": ("Saldo seluruhnya", "All time"),
    "aids": ("Bantuan", "Aid"),
    "delivered_on": ("Tanggal penyaluran", "Delivered on"),
    "items": ("Isi", "Items"),
    "confirmed": ("Diterima keluarga", "Confirmed by the family"),
    "ledger": ("Buku besar", "Ledger"),
    "day_list": ("Daftar distribusi hari itu", "The day's distribution list"),
    "delivered_by": ("Diantar oleh", "Delivered by"),
    "confirm_received": ("Tandai diterima", "Mark as received"),
    "date": ("Tanggal", "Date"),
    "kind": ("Jenis", "Kind"),
    "amount": ("Jumlah", "Amount"),
    "management": ("Manajemen", "Management"),
}


# The registry's target and risk-factor codes, named as the KRS table's columns name them.
KRS_CODES = {
    "pus": "col_pus",
    "ibu_hamil": "col_ibu_hamil",
    "baduta": "col_baduta",
    "balita": "col_balita",
    "catin": "col_catin",
    "air_minum_tidak_layak": "col_air",
    "jamban_tidak_layak": "col_jamban",
    "terlalu_muda": "col_muda",
    "terlalu_tua": "col_tua",
    "terlalu_dekat": "col_dekat",
    "terlalu_banyak": "col_banyak",
    "miskin": "col_miskin",
}


def krs_label(language: str, code: str) -> str:
    """A target's or risk factor's name in the interface language (an unknown code as it is)."""
    return translate(language, KRS_CODES[code]) if code in KRS_CODES else code


def translate(language: str, key: str) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[1] if language == "en" else pair[0]


def number(language: str, value: int | float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[language])


def share(language: str, part: int | None, whole: int | None) -> str:
    if not whole or part is None:
        return "–"
    return format_percent(part / whole, format="#,##0.0%", locale=LOCALES[language])


def rupiah(language: str, value: int | float | Decimal | None) -> str:
    if value is None:
        return "–"
    return format_currency(value, "IDR", format="¤ #,##0", locale=LOCALES[language], currency_digits=False)


def day(language: str, value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, format="medium", locale=LOCALES[language])
