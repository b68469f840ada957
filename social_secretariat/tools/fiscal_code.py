"""Codice fiscale: normalise, validate (omocodic forms included) and decode.

stdnum (shipped with Odoo) checks the format and the check character; the
`codicefiscale` package decodes the birthplace from the Belfiore code and picks
the birth century so that the date is not in the future.
"""

import re

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.it import codicefiscale as stdnum_cf

try:
    from codicefiscale import codicefiscale as cf_lib
except ImportError:  # pragma: no cover - declared in external_dependencies
    cf_lib = None

PATTERN = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


def normalise(value):
    return re.sub(r"[\s\-.]", "", value or "").upper()


def problem(value):
    """None when `value` (normalised) is a valid personal codice fiscale, else why not
    (an English sentence, to be translated by the caller's message)."""
    if len(value) != 16:
        return "length"
    if not PATTERN.match(value):
        return "format"
    try:
        stdnum_cf.validate(value)
    except StdnumValidationError as error:
        if "checksum" in type(error).__name__.lower():
            return "checksum"
        return "format"
    return None


def decode(value):
    """{'birth_date': date, 'gender': 'female'|'male', 'birthplace': str, 'birthplace_code': str,
    'province': str, 'is_foreign': bool} for a valid code."""
    result = {
        "gender": "female" if stdnum_cf.get_gender(value) == "F" else "male",
        "birth_date": stdnum_cf.get_birth_date(value),
        "birthplace": False,
        "birthplace_code": False,
        "birthplace_en": False,
        "province": False,
        "is_foreign": False,
    }
    if cf_lib is not None:
        try:
            data = cf_lib.decode(value)
        except ValueError:
            data = None
        if data:
            result["birth_date"] = data["birthdate"].date()
            place = data.get("birthplace") or {}
            result["birthplace"] = place.get("name") or False
            result["birthplace_code"] = place.get("code") or False
            result["birthplace_en"] = place.get("name_alt_en") or place.get("name") or False
            result["province"] = place.get("province") or False
            result["is_foreign"] = place.get("province") == "EE"
    return result
