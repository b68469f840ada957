from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CF_ANNA, CF_MARIO, CF_MARIO_OMOCODE, SocialCase


@tagged("post_install", "-at_install")
class TestPersonIdentity(SocialCase):
    def test_fiscal_code_normalised_and_unique_per_company(self):
        self.assertEqual(self.person.fiscal_code, CF_MARIO)
        with self.assertRaisesRegex(ValidationError, "already registered"):
            self.env["social.person"].create(
                {"first_name": "Mario", "last_name": "Rossi", "fiscal_code": CF_MARIO.lower()}
            )
        # the omocodic form of the same code is another string: accepted and decoded alike
        other = self.env["social.person"].create(
            {
                "first_name": "Mario",
                "last_name": "Rossi",
                "fiscal_code": f" {CF_MARIO_OMOCODE[:6]} {CF_MARIO_OMOCODE[6:]}",
            }
        )
        self.assertEqual(other.fiscal_code, CF_MARIO_OMOCODE)
        # another Ambito may register the same person
        company2 = self.env["res.company"].create({"name": "Ambito 2"})
        elsewhere = self.env["social.person"].create(
            {
                "first_name": "Mario",
                "last_name": "Rossi",
                "fiscal_code": CF_MARIO,
                "company_id": company2.id,
            }
        )
        self.assertEqual(elsewhere.company_id, company2)

    def test_invalid_fiscal_codes_are_explained(self):
        Person = self.env["social.person"]
        cases = {
            "RSSMRA80C15G686": "16 characters",
            "RSSMRA80C15G686J": "check character",
            "1SSMRA80C15G686K": "not well formed",
        }
        for code, message in cases.items():
            with self.subTest(code=code), self.assertRaisesRegex(ValidationError, message):
                Person.create({"first_name": "X", "last_name": "Y", "fiscal_code": code})

    def test_birth_data_prefilled_from_fiscal_code(self):
        form = Form(self.env["social.person"])
        form.first_name = "Anna"
        form.last_name = "Bianchi"
        form.fiscal_code = CF_ANNA.lower()
        self.assertEqual(form.fiscal_code, CF_ANNA)
        self.assertEqual(str(form.birth_date), "2021-02-01")
        self.assertEqual(form.gender, "female")
        self.assertEqual(form.birthplace, "Senegal")
        anna = form.save()
        self.assertEqual(anna.age_band, "0_17")

    def test_mismatch_between_code_and_birth_date(self):
        with self.assertRaisesRegex(ValidationError, "born on"):
            self.person.birth_date = "1980-03-16"

    def test_mismatch_between_code_and_gender(self):
        with self.assertRaisesRegex(ValidationError, "gender"):
            self.person.gender = "female"

    def test_phones_normalised_and_invalid_refused(self):
        self.assertEqual(self.person.mobile, "+39 347 123 4567")
        self.assertEqual(self.person.phone, "+39 02 9236 6364")
        self.assertEqual(self.person.partner_id.mobile, "+39 347 123 4567")
        self.person.phone = "+33 1 23 45 67 89"  # foreign numbers with their prefix
        self.assertEqual(self.person.phone, "+33 1 23 45 67 89")
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self.person.mobile = "12345"
        with self.assertRaisesRegex(ValidationError, "not a valid address"):
            self.person.email = "mario.rossi@"

    def test_sensitive_data_not_on_partner(self):
        partner_fields = self.env["res.partner"]._fields
        for name in ("fiscal_code", "legal_status", "birth_date", "household_notes"):
            self.assertNotIn(name, partner_fields)
        self.assertEqual(self.person.partner_id.name, "Mario Rossi")
        self.person.first_name = "Marco"
        self.assertEqual(self.person.partner_id.name, "Marco Rossi")

    def test_operator_creates_a_person(self):
        person = (
            self.env["social.person"]
            .with_user(self.operator_a)
            .create({"first_name": "Luca", "last_name": "Neri", "mobile": "333 111 2222"})
        )
        self.assertEqual(person.partner_id.name, "Luca Neri")
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            person.write({"met_desk_ids": [(4, self.desk_b.id)]})
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            person.write({"is_anonymised": True})

    def test_future_birth_date_refused(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self.env["social.person"].create(
                {"first_name": "X", "last_name": "Y", "birth_date": "2999-01-01"}
            )

    def test_stp_code_format(self):
        with self.assertRaisesRegex(ValidationError, "STP"):
            self.env["social.person"].create(
                {"first_name": "X", "last_name": "Y", "legal_status": "stp", "stp_code": "STP12"}
            )
        person = self.env["social.person"].create(
            {
                "first_name": "X",
                "last_name": "Y",
                "legal_status": "stp",
                "stp_code": "stp0151750000001",
            }
        )
        self.assertEqual(person.stp_code, "STP0151750000001")


@tagged("post_install", "-at_install")
class TestPersonSearch(SocialCase):
    def search_one_box(self, text):
        return self.env["social.person"].search([("quick_search", "ilike", text)])

    def test_one_box_finds_by_name_code_or_phone(self):
        self.assertIn(self.person, self.search_one_box("rossi"))
        self.assertIn(self.person, self.search_one_box(CF_MARIO.lower()))
        self.assertIn(self.person, self.search_one_box("347 1234567"))
        self.assertIn(self.person, self.search_one_box("+39 347-123-4567"))
        self.assertNotIn(self.person, self.search_one_box("348 1234567"))
        # the many2one box of a session finds the person by code as well
        found = self.env["social.person"].name_search(CF_MARIO)
        self.assertEqual([pid for pid, _name in found], [self.person.id])

    def test_likely_duplicate_is_warned(self):
        form = Form(self.env["social.person"])
        form.first_name = "mario"
        form.last_name = "ROSSI"
        form.birth_date = self.person.birth_date
        self.assertIn("Possible duplicate", form.duplicate_warning)
        duplicate = form.save()  # a warning, not a refusal: namesakes exist
        self.assertEqual(duplicate.possible_duplicate_ids, self.person)


@tagged("post_install", "-at_install")
class TestPersonPrivacy(SocialCase):
    def logs(self, event):
        return self.env["social.person.access.log"].search(
            [("person_id", "=", self.person.id), ("event", "=", event)]
        )

    def test_reading_exporting_changing_are_logged(self):
        # records created in this transaction are not tracked (their creation message says
        # it all): close the "creation" transaction first, as in real use
        self.env.cr.flush()
        person = self.person.with_user(self.worker)
        person.web_read({"name": {}, "fiscal_code": {}})
        person.export_data(["name", "fiscal_code"])
        person.household_notes = "Vive con la madre"
        self.assertEqual(self.logs("read").user_id, self.worker)
        self.assertEqual(self.logs("export").user_id, self.worker)
        self.assertIn(
            "Household",
            self.logs("change").filtered(lambda log: log.user_id == self.worker).details,
        )
        # the change itself is in the chatter, with the old and new value
        tracked = self.person.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "fiscal_code"
        )
        self.assertFalse(tracked)  # unchanged: nothing tracked
        self.person.with_user(self.worker).legal_status = "entitled"
        self.env.flush_all()
        self.env.cr.flush()  # runs the tracking
        self.person.invalidate_recordset(["message_ids"])
        self.assertTrue(
            self.person.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "legal_status"
            )
        )

    def test_subject_access_export_by_coordinator_only(self):
        self.make_session(person=self.person)
        with self.assertRaises(UserError):
            self.person.with_user(self.worker).action_export_subject_data()
        action = self.person.with_user(self.coordinator).action_export_subject_data()
        self.assertEqual(action["url"], f"/social/person/{self.person.id}/subject-data")
        name, text = self.person.with_user(self.coordinator)._subject_data_export()
        self.assertIn("RSSMRA80C15G686K", text)
        self.assertIn("Non riesco a pagare", text)
        self.assertNotIn("RSSMRA", name, "the file name carries no identifier")
        self.assertEqual(self.logs("subject_access").user_id, self.coordinator)
        # nothing is stored where readers of the file could find it
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "social.person"), ("res_id", "=", self.person.id)]
            )
        )

    def test_anonymise_keeps_statistics_only(self):
        session = self.make_session(person=self.person, outcome="information")
        session.action_done()
        with self.assertRaisesRegex(UserError, "reason"):
            self.person.with_user(self.coordinator).action_anonymise(" ")
        wizard = (
            self.env["social.person.anonymise"]
            .with_user(self.coordinator)
            .create(
                {"person_ids": [(6, 0, self.person.ids)], "reason": "Richiesta scritta del 3/11"}
            )
        )
        wizard.action_confirm()
        self.assertTrue(self.person.is_anonymised)
        self.assertFalse(self.person.fiscal_code)
        self.assertFalse(self.person.mobile)
        self.assertNotIn("Rossi", self.person.partner_id.name)
        self.assertEqual(self.person.birth_date.month, 1)  # only the year stays
        self.assertEqual(session.anon_age_band, "45_64")
        self.assertEqual(session.anon_municipality_id, self.pioltello)
        self.assertFalse(session.request)
        self.assertEqual(session.need_ids, self.need_rent)  # the statistics survive
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "social.person"), ("res_id", "=", self.person.id)]
            )
        )
        self.assertEqual(self.logs("anonymise").details, "Richiesta scritta del 3/11")
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "social.listening.session"), ("res_id", "=", session.id)]
            ),
            "the session's chatter (tracking of the person's name) is gone too",
        )
