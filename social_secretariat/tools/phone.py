"""Phone numbers normalised to the international format (+39 333 123 4567)."""

import phonenumbers


def normalise(number, country_code="IT"):
    """The number in international format, or None when it is not a valid number.
    Italian by default; numbers written with +CC are accepted for any country."""
    if not number or not number.strip():
        return None
    try:
        parsed = phonenumbers.parse(number, (country_code or "IT").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def e164(number, country_code="IT"):
    """Digits-only form used for searching, or None."""
    formatted = normalise(number, country_code)
    if not formatted:
        return None
    return phonenumbers.format_number(
        phonenumbers.parse(formatted), phonenumbers.PhoneNumberFormat.E164
    )
