"""What the SPID/CIE claims of an OpenID Connect id_token say: the codice fiscale and the
level of assurance. Pure functions, so that the refusals are decided in one place."""

import re

from odoo.addons.social_secretariat.tools import fiscal_code

# SPID and CIE id (and the regional brokers in front of them) send the codice fiscale as
# an ETSI TIN: "TINIT-" and the code. Another country's prefix is not an Italian codice
# fiscale and cannot match a person file.
FISCAL_PREFIX = "TINIT-"

# The level of assurance: SPID's acr URIs (https://www.spid.gov.it/SpidL2), also used by
# CIE id's OpenID Connect; brokers sometimes send the bare "SpidL2" or "L2".
ACR_LEVEL = re.compile(r"(?:spidl|^l)([123])$", re.IGNORECASE)


def fiscal_code_from_claims(claims):
    """(code, None) for a valid codice fiscale in `fiscalNumber`, else (None, reason):
    "no_code" when the claim is absent, "bad_code" when it is not a valid one."""
    raw = claims.get("fiscalNumber") or claims.get("fiscal_number")
    if not raw or not isinstance(raw, str):
        return None, "no_code"
    raw = raw.strip()
    if not raw.upper().startswith(FISCAL_PREFIX):
        return None, "bad_code"
    code = fiscal_code.normalise(raw[len(FISCAL_PREFIX) :])
    if fiscal_code.problem(code):
        return None, "bad_code"
    return code, None


def acr_level(claims):
    """The SPID level (1, 2 or 3) of the `acr` claim; 0 when absent or unknown, so that an
    unknown value never passes for a level."""
    acr = claims.get("acr")
    if not isinstance(acr, str):
        return 0
    match = ACR_LEVEL.search(acr.strip().rstrip("/"))
    return int(match.group(1)) if match else 0
