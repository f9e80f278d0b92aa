"""The fields of a TPK visit by its kind, as the mentoring API takes them: the form is drawn from them and the
posted form turned back into the API's body. The API judges every value (the form adds no rules of its own),
so a person sees exactly the API's reasons next to the fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["date", "number", "integer", "check", "choice", "choices", "text"]


@dataclass(frozen=True)
class Field:
    name: str  # the API's field name, and the form's
    kind: Kind
    options: tuple[str, ...] = ()  # a choice's or choices' values (the API's own)
    optional_choice: bool = False  # a choice that may be left unset (null)

    @property
    def label(self) -> str:
        return f"f_{self.name}"


COMMON = (Field("visited_on", "date"),)
CLOSING = (Field("notes", "text"), Field("referred", "check"), Field("referral_to", "text"))
BY_CATEGORY: dict[str, tuple[Field, ...]] = {
    "catin": (
        Field("screening_date", "date"),
        Field("planned_marriage_date", "date"),
        Field("height_cm", "number"),
        Field("weight_kg", "number"),
        Field("lila_cm", "number"),
        Field("hb_g_dl", "number"),
        Field("counselling_given", "check"),
    ),
    "ibu_hamil": (
        Field("gestational_age_weeks", "integer"),
        Field("weight_kg", "number"),
        Field("lila_cm", "number"),
        Field("hb_g_dl", "number"),
        Field("ttd_tablets", "integer"),
        Field("p4k_sticker", "check"),
        Field("has_buku_kia", "choice", ("true", "false"), optional_choice=True),
        Field("birth_fund_prepared", "choice", ("true", "false"), optional_choice=True),
        Field(
            "danger_signs",
            "choices",
            (
                "perdarahan",
                "demam_tinggi",
                "bengkak",
                "kejang",
                "ketuban_pecah_dini",
                "gerakan_janin_berkurang",
                "muntah_terus",
                "sakit_kepala_hebat",
            ),
        ),
    ),
    "pasca_persalinan": (
        Field("delivery_date", "date"),
        Field("delivery_place", "choice", ("rumah_sakit", "puskesmas", "klinik", "praktik_bidan", "rumah", "lainnya")),
        Field(
            "kb_method",
            "choice",
            ("iud", "implan", "mow", "mop", "pil", "suntik", "kondom", "mal", "tidak_ada"),
            optional_choice=True,
        ),
        Field("complications", "choices", ("perdarahan", "infeksi", "preeklampsia", "depresi", "lainnya")),
    ),
    "baduta": (
        Field("weight_kg", "number"),
        Field("length_cm", "number"),
        Field("position", "choice", ("lying", "standing"), optional_choice=True),
        Field("head_circumference_cm", "number"),
        Field("exclusive_breastfeeding", "choice", ("true", "false"), optional_choice=True),
        Field("mp_asi", "choice", ("true", "false"), optional_choice=True),
    ),
}
BY_CATEGORY["balita"] = BY_CATEGORY["baduta"]


def fields_of(category: str) -> tuple[Field, ...]:
    return (*COMMON, *BY_CATEGORY.get(category, ()), *CLOSING)


def _number(text: str, kind: Kind) -> Any:
    """A number as the API takes it; text that is no number is sent as it is, for the API to name the field."""
    cleaned = text.strip().replace(",", ".")  # Indonesian decimals: 12,5
    try:
        return int(cleaned) if kind == "integer" else float(cleaned)
    except ValueError:
        return text


def body_of(category: str, form: dict[str, list[str]]) -> dict[str, Any]:
    """The API's visit from a posted form (`form`: every value of each name). Empty fields are left out."""
    body: dict[str, Any] = {"category": category}
    for field in fields_of(category):
        values = [value for value in form.get(field.name, []) if value.strip() != ""]
        if field.kind == "check":
            body[field.name] = bool(values)
        elif field.kind == "choices":
            body[field.name] = values
        elif not values:
            continue
        elif field.kind in ("number", "integer"):
            body[field.name] = _number(values[0], field.kind)
        elif field.kind == "choice" and field.options == ("true", "false"):
            body[field.name] = values[0] == "true" if values[0] in field.options else values[0]
        else:
            body[field.name] = values[0].strip()
    return body
