"""What text the platform stores: no control characters, so that every record can be shown, exported to CSV
and written to an XLSX workbook (whose XML cannot hold most of them).

Refused: the C0 controls but tab, line feed and carriage return, DEL, the C1 controls, lone UTF-16
surrogates (which JSON can spell as `\\ud800` but no database can store) and the noncharacters U+FFFE and
U+FFFF (which XML cannot hold). Fields that are one line (a name)
refuse tab and line breaks too. Every JSON body is checked before its route runs
(`request_bodies.refuse_control_characters`, installed on every program), so the 422 names the field whatever the
schema says. This module imports no web or database framework: the registry's import worker uses it."""

from __future__ import annotations

import re
from typing import Any

from kkb_shared.schema_checks import Published

# The same rules as JSON Schema patterns (ECMA-262 and Python both read `\\uXXXX`), for the OpenAPI document.
_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff"
_CONTROL_OR_BREAK = r"\u0000-\u001f\u007f-\u009f\ufffe\uffff"
_SPACES = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BLANK = r"\t\n\u000b\u000c\r\u0085" + _SPACES  # what strip() removes
TEXT_PATTERN = rf"^[^{_CONTROL}]*$"


def non_blank_pattern(min_length: int = 1, *, one_line: bool = False) -> str:
    """Text of at least `min_length` characters once the blanks at its ends are stripped (as the fields that
    strip them count), with no control character (nor a line break when `one_line`)."""
    refused = _CONTROL_OR_BREAK if one_line else _CONTROL
    edge = f"[{_SPACES}]" if one_line else rf"[\t\n\r{_SPACES}]"  # blanks that may be stripped and are not refused
    visible = f"[^{refused}{_BLANK}]"
    middle = f"([^{refused}]*{visible})?" if min_length < 2 else f"[^{refused}]{{{min_length - 2},}}{visible}"
    return rf"^{edge}*{visible}{middle}{edge}*$"


def non_blank(max_length: int, min_length: int = 1) -> Published:
    """The published pattern of a stripped text field (`StringConstraints(strip_whitespace=True, …)` counts its
    lengths after stripping, which a schema's minLength and maxLength cannot say): something must be left after
    stripping, and the text as sent must fit `max_length` too."""

    def fits(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return value

    return Published(non_blank_pattern(min_length), before=fits)


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character(text: str, *, one_line: bool = False) -> str | None:
    """Why `text` cannot be stored (naming the first character refused), or None."""
    found = (CONTROL_OR_BREAK if one_line else CONTROL).search(text)
    if found is None:
        return None
    return f"holds the control character U+{ord(found.group()):04X}, which cannot be stored"


def _one_line(value: str) -> str:
    if problem := control_character(value, one_line=True):
        raise ValueError(problem)
    return value


def _lines(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if problem := control_character(value):
        raise ValueError(problem)
    return value


# Checked by the validators (whose messages name the character), published as patterns.
OneLine = Published(non_blank_pattern(one_line=True), after=_one_line)
"""A constraint for a text field of one line (a name): no control character, no tab, no line break; with
`strip_whitespace` and a minimum length of 1, as its published pattern says."""
Lines = Published(non_blank_pattern(), after=_lines)
"""A constraint for a text field that may hold line breaks (an address), each kept as LF (a workbook's XML
would read a CR back as LF)."""
