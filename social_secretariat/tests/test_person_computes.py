from datetime import date, timedelta

from stdnum.it import codicefiscale as stdnum_cf

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CF_ANNA, CF_MARIO, SocialCase


def with_check(code15):
    return code15 + stdnum_cf.calc_check_digit(code15)


# Mario Rossi again, born on 10/12/1985 in Milan (F205): the code corrected after a typo
CF_MARIO_1985 = with_check("RSSMRA85T10F205")


@tagged("post_install", "-at_install")
class TestConsentValidity(SocialCase):
    """A consent's validity is judged against today, whatever day the consent was saved."""

    def setUp(self):
        super().setUp()
        today = fields.Date.context_today(self.env["social.consent"])
        self.valid = self.make_consent(date_given=today - timedelta(days=10))
        self.open_ended = self.make_consent(purpose="contact", date_given=today)
        self.expired = self.make_consent(
            purpose="sharing",
            date_given=today - timedelta(days=30),
            date_expiry=today - timedelta(days=1),
        )
        self.last_day = self.make_consent(
            purpose="special", date_given=today - timedelta(days=5), date_expiry=today
        )
        self.withdrawn = self.make_consent(purpose="sharing", date_given=today)
        self.withdrawn.action_withdraw()
        self.consents = self.valid | self.open_ended | self.expired | self.last_day | self.withdrawn

    def found(self, domain, user=None):
        Consent = self.env["social.consent"].with_user(user or self.worker)
        return Consent.search([("id", "in", self.consents.ids), *domain])

    def test_state_against_today(self):
        self.assertEqual(self.expired.state, "expired", "expired yesterday, saved as valid")
        self.assertEqual(self.last_day.state, "valid", "valid on its last day")
        self.assertEqual(self.withdrawn.state, "withdrawn")
        self.assertEqual((self.valid | self.open_ended).mapped("state"), ["valid", "valid"])

    def test_state_is_searchable(self):
        valid = self.valid | self.open_ended | self.last_day
        self.assertEqual(self.found([("state", "=", "valid")]), valid)
        self.assertEqual(self.found([("state", "=", "expired")]), self.expired)
        self.assertEqual(self.found([("state", "=", "withdrawn")]), self.withdrawn)
        self.assertEqual(self.found([("state", "!=", "valid")]), self.expired | self.withdrawn)
        self.assertEqual(
            self.found([("state", "in", ["expired", "withdrawn"])]), self.expired | self.withdrawn
        )
        self.assertEqual(self.found([("state", "not in", ["expired", "withdrawn"])]), valid)
        with self.assertRaises(UserError):
            self.found([("state", "ilike", "val")])

    def test_expired_consent_is_not_offered_nor_accepted_for_sharing(self):
        self.make_session(person=self.person, user=self.operator_a)
        # the referral form offers the person's valid consents only (its field's domain)
        offered = (
            self.env["social.consent"]
            .with_user(self.operator_a)
            .search([("person_id", "=", self.person.id), ("state", "=", "valid")])
        )
        self.assertNotIn(self.expired, offered)
        caritas = self.env["res.partner"].create({"name": "Caritas (t)", "is_company": True})
        referral = (
            self.env["social.referral"]
            .with_user(self.operator_a)
            .create(
                {
                    "person_id": self.person.id,
                    "origin_type": "desk",
                    "origin_desk_id": self.desk_a.id,
                    "target_partner_id": caritas.id,
                    "reason": "Pacco alimentare",
                    "consent_id": self.expired.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "sharing with network partners"):
            referral.action_send()
        self.assertEqual(referral.state, "draft")


@tagged("post_install", "-at_install")
class TestFiscalCodeDecoding(SocialCase):
    """What the codice fiscale says fills the file by any path, never over what was typed."""

    def create_person(self, user=None, **values):
        Person = self.env["social.person"].with_user(user or self.operator_a)
        return Person.create({"first_name": "Mario", "last_name": "Rossi", **values})

    def test_created_by_rpc_gets_birth_date_gender_birthplace(self):
        self.person.fiscal_code = False  # free the code for a new file
        person = self.create_person(fiscal_code=CF_MARIO.lower())
        self.assertEqual(person.fiscal_code, CF_MARIO)
        self.assertEqual(person.birth_date, date(1980, 3, 15))
        self.assertEqual(person.gender, "male")
        self.assertEqual(person.birthplace.lower(), "pioltello")
        self.assertEqual(person.birth_country_id, self.env.ref("base.it"))
        self.assertEqual(person.age_band, "45_64", "statistics get the age band")

    def test_foreign_birthplace_gives_the_country(self):
        anna = self.create_person(first_name="Anna", last_name="Bianchi", fiscal_code=CF_ANNA)
        self.assertEqual(anna.gender, "female")
        self.assertEqual(anna.birth_date, date(2021, 2, 1))
        self.assertEqual(anna.birth_country_id, self.env.ref("base.sn"))

    def test_what_the_operator_typed_stays(self):
        self.person.fiscal_code = False
        person = self.create_person(fiscal_code=CF_MARIO, birthplace="Pioltello (MI), frazione")
        self.assertEqual(person.birthplace, "Pioltello (MI), frazione")
        self.assertEqual(person.birth_date, date(1980, 3, 15), "the empty fields are filled")
        # a birth date that contradicts the code is still refused, with the same message
        with self.assertRaisesRegex(ValidationError, "16/03/1980"):
            person.birth_date = date(1980, 3, 16)
        self.env.invalidate_all(flush=False)  # the refused value stays out
        # an unknown gender ("other") is a choice the code cannot overrule
        person.gender = "other"
        self.assertEqual(person.gender, "other")

    def test_import_and_later_code_fill_the_file(self):
        person = self.create_person(last_name="Verdi")
        self.assertFalse(person.birth_date)
        self.person.fiscal_code = False
        person.fiscal_code = CF_MARIO  # added later, e.g. by another wizard or an import
        self.assertEqual(person.birth_date, date(1980, 3, 15))
        self.assertEqual(person.gender, "male")
        imported = self.env["social.person"].load(
            ["first_name", "last_name", "fiscal_code"], [["Anna", "Bianchi", CF_ANNA]]
        )
        anna = self.env["social.person"].browse(imported["ids"])
        self.assertEqual(anna.birth_date, date(2021, 2, 1))

    def test_corrected_code_brings_its_values(self):
        person = self.person  # typed with the form: birth date and gender from the code
        person.fiscal_code = CF_MARIO_1985
        self.assertEqual(person.birth_date, date(1985, 12, 10))
        self.assertEqual(person.gender, "male")
        self.assertEqual(person.birthplace.lower(), "milano")

    def test_form_shows_the_decoded_values_and_the_differences(self):
        self.person.fiscal_code = False
        form = Form(self.env["social.person"].with_user(self.operator_a))
        form.first_name = "Mario"
        form.last_name = "Rossi"
        form.fiscal_code = CF_MARIO
        self.assertEqual(form.birth_date, date(1980, 3, 15))
        self.assertEqual(form.gender, "male")
        person = form.save()
        self.assertEqual(person.birth_country_id, self.env.ref("base.it"))
        form = Form(self.env["social.person"].with_user(self.operator_a))
        form.first_name = "Anna"
        form.last_name = "Bianchi"
        form.birth_date = date(2021, 2, 2)
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            form.fiscal_code = CF_ANNA
        self.assertIn("The code gives the birth date", warned.output[0])
        self.assertEqual(form.birth_date, date(2021, 2, 2), "typed first: kept")
        self.assertEqual(form.gender, "female", "empty: filled")
