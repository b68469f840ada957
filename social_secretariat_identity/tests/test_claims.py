from odoo.tests import BaseCase, tagged

from ..tools.claims import acr_level, fiscal_code_from_claims

CF = "RSSMRA80C15G686K"


@tagged("post_install", "-at_install")
class TestClaims(BaseCase):
    def test_fiscal_number(self):
        self.assertEqual(fiscal_code_from_claims({"fiscalNumber": f"TINIT-{CF}"}), (CF, None))
        self.assertEqual(
            fiscal_code_from_claims({"fiscalNumber": f" tinit-{CF.lower()} "}), (CF, None)
        )
        self.assertEqual(fiscal_code_from_claims({}), (None, "no_code"))
        self.assertEqual(fiscal_code_from_claims({"fiscalNumber": ""}), (None, "no_code"))
        # a code without the Italian TIN prefix, another country's, a wrong check character
        for value in (CF, f"TINFR-{CF}", "TINIT-RSSMRA80C15G686X", "TINIT-123"):
            self.assertEqual(fiscal_code_from_claims({"fiscalNumber": value}), (None, "bad_code"))

    def test_acr(self):
        self.assertEqual(acr_level({"acr": "https://www.spid.gov.it/SpidL2"}), 2)
        self.assertEqual(acr_level({"acr": "https://www.spid.gov.it/SpidL3/"}), 3)
        self.assertEqual(acr_level({"acr": "SpidL1"}), 1)
        self.assertEqual(acr_level({"acr": "L2"}), 2)
        for value in (None, "", "urn:mace:incommon:iap:silver", "SpidL4", 2):
            self.assertEqual(acr_level({"acr": value}), 0)
