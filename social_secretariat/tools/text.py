"""Free text typed by users: length limits and names without invisible characters.

Every text a citizen, a partner or a staff member can send (from the portal, a form or
JSON-RPC) goes through `clean_vals` in the model's create/write: a value too long for its
field is refused with a clear message (instead of a raw database error, e.g. when a 1 MB name
does not fit in the name index), and names lose control characters and the bidirectional
controls that can make a name read differently from what it is (a "Trojan source" name such
as "Rossi\u202eetnetac" shows reversed)."""

import re
import unicodedata

from odoo.exceptions import ValidationError

# Bidirectional formatting and marks: embeddings/overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), the left-to-right/right-to-left marks (U+200E, U+200F) and the Arabic
# letter mark (U+061C). None of them belongs in the name of a person.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
_SPACES_RE = re.compile(r"\s+")

# Upper bounds in characters: far above any real name, phone, subject or message, low enough
# for the database indexes (a btree row holds at most about 2 700 bytes) and for the pages.
NAME_MAX = 128
CHAR_MAX = 256
TEXT_MAX = 20_000
HTML_MAX = 100_000


def clean_name(value):
    """A name as typed, without control or bidi characters, on one line, single-spaced."""
    if not isinstance(value, str):
        return value
    value = _BIDI_RE.sub("", value)
    # control characters (tabs and line breaks included) become spaces, then one space each
    value = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)
    # other format characters (zero-width joiners and spaces...) are dropped, except the
    # joiners some scripts need between letters
    value = "".join(c for c in value if unicodedata.category(c) != "Cf" or c in "\u200c\u200d")
    return _SPACES_RE.sub(" ", value).strip()


def clean_text(value):
    """A free text (notes, messages): bidi overrides and control characters other than line
    breaks and tabs removed; the layout (lines, paragraphs) is kept."""
    if not isinstance(value, str):
        return value
    value = _BIDI_RE.sub("", value)
    return "".join(c for c in value if c in "\n\r\t" or unicodedata.category(c) != "Cc")


def max_length(field):
    """The longest value accepted for a text field, in characters."""
    if field.type == "char":
        # not the field's `size`: the ORM cuts to it, after the model has normalised the value
        return CHAR_MAX
    if field.type == "html":
        return HTML_MAX
    return TEXT_MAX


def check_length(env, label, value, limit):
    if isinstance(value, str) and len(value) > limit:
        raise ValidationError(
            env._(
                "%(field)s is too long: %(length)s characters, at most %(max)s are accepted.",
                field=label,
                length=len(value),
                max=limit,
            )
        )


def clean_vals(records, vals_list, names=()):
    """Check and clean the values of a create (a list of dicts) or a write (one dict), in
    place: every text field within its length, the fields `names` cleaned as names (and at
    most NAME_MAX characters). Values that are not strings are left to the ORM."""
    if isinstance(vals_list, dict):
        vals_list = [vals_list]
    env = records.env
    for vals in vals_list:
        for key, value in vals.items():
            field = records._fields.get(key)
            if field is None or field.type not in ("char", "text", "html"):
                continue
            if not isinstance(value, str):
                continue
            if key in names:
                value = vals[key] = clean_name(value)
                check_length(env, field.string, value, min(NAME_MAX, max_length(field)))
            else:
                if field.type != "html":
                    value = vals[key] = clean_text(value)
                check_length(env, field.string, value, max_length(field))
    return vals_list
