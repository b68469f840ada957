from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestPersonFromPartner(SocialCase):
    """social.person._find_or_create_for_partner: the one way a file comes from a contact
    (sign-up, booking on the portal, a request to the online desk)."""

    def test_name_split(self):
        split = self.env["social.person"]._split_name
        cases = {
            "Rossi": ("Rossi", "Rossi"),  # one word: both names
            "Mario Rossi": ("Mario", "Rossi"),
            "Mario De Luca": ("Mario", "De Luca"),  # a particle stays with the last name
            "Giulia Bianchi Rossi": ("Giulia", "Bianchi Rossi"),  # two last names
            # several first names are not told from a last name of several words: the
            # second first name goes with the last name, to be corrected on the file
            "Maria Grazia Rossi": ("Maria", "Grazia Rossi"),
            "  Mario \t De   Luca \n": ("Mario", "De Luca"),  # extra spaces of any kind
            "": ("", ""),
            None: ("", ""),
        }
        for name, expected in cases.items():
            with self.subTest(name=name):
                self.assertEqual(split(name), expected)

    def test_creates_a_file_named_after_the_contact_once(self):
        partner = self.env["res.partner"].create(
            {"name": "  Lucia  Di Stefano ", "email": "lucia@example.com"}
        )
        Person = self.env["social.person"]
        company = self.env["res.company"].create({"name": "Ambito 2"})
        person = Person._find_or_create_for_partner(partner, company)
        self.assertEqual((person.first_name, person.last_name), ("Lucia", "Di Stefano"))
        self.assertEqual(person.partner_id, partner)
        self.assertEqual(person.company_id, company)
        self.assertEqual(person.email, "lucia@example.com")
        # the file found again, not a second one
        self.assertEqual(Person._find_or_create_for_partner(partner, self.company), person)

    def test_the_callers_use_it(self):
        """The online desk's request takes the contact's file, or makes it the same way."""
        partner = self.env["res.partner"].create({"name": "Anna Maria De Luca"})
        request = self.env["social.online.request"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "subject": "Richiesta",
                "message": "Aiuto",
            }
        )
        person = request._get_or_create_person()
        self.assertEqual((person.first_name, person.last_name), ("Anna", "Maria De Luca"))
        self.assertEqual(request.person_id, person)
