"""Bad input, clear answers: text too long for its field is refused with a message (not a
database error), names lose control and bidirectional-override characters, and the one-box
person search finds a part of a code or of a phone number."""

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import text
from .common import CF_MARIO, SocialCase

TOO_LONG = "x" * (1024 * 1024)  # 1 MB
RLO = "\u202e"  # right-to-left override: "Rossi\u202eitsoR" shows differently


@tagged("post_install", "-at_install")
class TestInputLimits(SocialCase):
    def test_clean_name(self):
        self.assertEqual(text.clean_name(f"  Ma\u200bria\t {RLO}Rossi\u2066\x00 \n"), "Maria Rossi")
        for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
            self.assertEqual(text.clean_name(f"A{char}B"), "AB")
        # letters of any script are kept, and the joiners some scripts need
        self.assertEqual(text.clean_name("Zoë Nguyễn محمد\u200c"), "Zoë Nguyễn محمد\u200c")
        # free text keeps its lines
        self.assertEqual(text.clean_text(f"riga 1\nriga 2{RLO}\x07"), "riga 1\nriga 2")

    def test_person_name_too_long_is_a_clear_error(self):
        Person = self.env["social.person"].with_user(self.operator_a)
        with self.assertRaisesRegex(ValidationError, "First name is too long"):
            Person.create({"first_name": TOO_LONG, "last_name": "Rossi"})
        with self.assertRaisesRegex(ValidationError, "Last name is too long"):
            self.person.write({"last_name": "R" * (text.NAME_MAX + 1)})
        with self.assertRaisesRegex(ValidationError, "is too long"):
            self.person.write({"household_notes": TOO_LONG})

    def test_person_names_are_cleaned(self):
        person = (
            self.env["social.person"]
            .with_user(self.operator_a)
            .create({"first_name": f"Ali{RLO}ce\x00", "last_name": "\u2066Verdi\u2069\r\n"})
        )
        self.assertEqual((person.first_name, person.last_name), ("Alice", "Verdi"))
        self.assertEqual(person.partner_id.name, "Alice Verdi")
        person.sudo().write({"first_name": "Al\u200fice"})
        self.assertEqual(person.partner_id.name, "Alice Verdi")

    def test_session_referral_texts(self):
        session = self.make_session(person=self.person)
        with self.assertRaisesRegex(ValidationError, "Request as expressed is too long"):
            session.write({"request": TOO_LONG})
        with self.assertRaisesRegex(ValidationError, "is too long"):
            self.make_session(person=self.person, interlocutor_name=TOO_LONG)
        with self.assertRaisesRegex(ValidationError, "Reason is too long"):
            self.env["social.referral"].create(
                {
                    "person_id": self.person.id,
                    "origin_desk_id": self.desk_a.id,
                    "reason": TOO_LONG,
                }
            )

    def test_online_request_subject_and_message(self):
        citizen = new_test_user(self.env, "citizen_il", groups="base.group_portal")
        Request = self.env["social.online.request"].with_user(citizen).sudo()
        vals = {"subject": "Affitto", "message": "Aiuto", "partner_id": citizen.partner_id.id}
        with self.assertRaisesRegex(ValidationError, "Subject is too long"):
            Request.create(dict(vals, subject="s" * (text.CHAR_MAX + 1)))
        with self.assertRaisesRegex(ValidationError, "Message is too long"):
            Request.create(dict(vals, message=TOO_LONG))
        request = Request.create(dict(vals, message=f"Riga{RLO}\nDue"))
        self.assertEqual(request.message, "Riga\nDue")


@tagged("post_install", "-at_install")
class TestPersonSearchOnIndexes(SocialCase):
    def search_one_box(self, value):
        return self.env["social.person"].search([("quick_search", "ilike", value)])

    def test_domains(self):
        Person = self.env["social.person"]
        # a whole valid code: equality, on the unique index
        self.assertEqual(
            Person._quick_search_domain(CF_MARIO.lower()), [("fiscal_code", "=", CF_MARIO)]
        )
        # a number: the phones only
        self.assertEqual(
            Person._quick_search_domain("347 123"), [("phone_search", "ilike", "347123")]
        )
        # a name, or a part of a code: names and codes
        domain = Person._quick_search_domain("RSSMRA")
        self.assertIn(("fiscal_code", "ilike", "RSSMRA"), domain)
        self.assertIn(("name", "ilike", "RSSMRA"), domain)

    def test_finds_partial_code_and_phone(self):
        self.assertIn(self.person, self.search_one_box("rssmra80"))
        self.assertIn(self.person, self.search_one_box("1234567"))
        self.assertIn(self.person, self.search_one_box("9236 6364"))
        self.assertIn(self.person, self.search_one_box("ross"))
        self.assertNotIn(self.person, self.search_one_box("7654321"))

    def test_trigram_indexes(self):
        self.env.cr.execute(
            """
            SELECT a.attname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_am am ON am.oid = i.relam
            JOIN pg_attribute a ON a.attrelid = t.oid
            WHERE t.relname = 'social_person' AND am.amname = 'gin'
              AND pg_get_indexdef(x.indexrelid) LIKE '%%' || a.attname || '%%'
            """
        )
        indexed = {name for (name,) in self.env.cr.fetchall()}
        self.assertLessEqual({"name", "fiscal_code", "phone_search"}, indexed)
