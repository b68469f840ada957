from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestListeningSession(SocialCase):
    def test_number_and_defaults(self):
        session = self.make_session(person=self.person)
        self.assertTrue(session.name.startswith("COL/"))
        self.assertEqual(session.state, "draft")
        self.assertEqual(session.company_id, self.desk_a.company_id)
        default = self.env["social.listening.session"].with_user(self.operator_a).new({})
        self.assertEqual(default.desk_id, self.desk_a, "defaults to the operator's desk")
        self.assertEqual(default.operator_ids._origin, self.operator_a)

    def test_done_requires_needs_outcome_operators(self):
        session = self.make_session(
            person=self.person, need_ids=[Command.clear()], operator_ids=[Command.clear()]
        )
        with self.assertRaisesRegex(UserError, "Needs as decoded.*Outcome.*Operators"):
            session.action_done()
        self.assertEqual(session.state, "draft", "nothing half-saved")
        session.write(
            {
                "need_ids": [Command.set(self.need_rent.ids)],
                "outcome": "orientation",
                "operator_ids": [Command.set((self.operator_a | self.worker).ids)],
            }
        )
        session.action_done()
        self.assertEqual(session.state, "done")

    def test_done_session_is_read_only_but_follow_up(self):
        session = self.make_session(person=self.person, outcome="information")
        session.action_done()
        with self.assertRaisesRegex(UserError, "is done and cannot be changed"):
            session.request = "altro"
        with self.assertRaises(UserError):
            session.action_cancel()
        session.follow_up_date = fields.Date.today() + timedelta(days=7)
        activity = session.follow_up_activity_id
        self.assertEqual(activity.date_deadline, session.follow_up_date)
        self.assertEqual(activity.user_id, self.operator_a)
        session.follow_up_date = fields.Date.today() + timedelta(days=9)
        self.assertEqual(session.follow_up_activity_id, activity, "the same activity moves")
        self.assertEqual(activity.date_deadline, session.follow_up_date)
        with self.assertRaises(UserError):
            session.unlink()

    def test_future_date_refused(self):
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self.make_session(date=fields.Datetime.now() + timedelta(days=1))

    def test_archived_desk_cannot_be_used(self):
        desk = self.env["social.desk"].create({"name": "Old desk"})
        desk.action_archive()
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.make_session(desk=desk)

    def test_anonymous_session_linked_later(self):
        session = self.make_session(
            anon_age_band="65_74", anon_gender="female", outcome="information"
        )
        self.assertTrue(session.is_anonymous)
        session.action_done()
        session.person_id = self.person
        self.assertFalse(session.is_anonymous)
        other = self.env["social.person"].create({"first_name": "A", "last_name": "B"})
        with self.assertRaisesRegex(UserError, "person cannot be changed"):
            session.person_id = other

    def test_special_category_flag(self):
        session = self.make_session(needs=self.need_violence)
        self.assertTrue(session.is_special_category)
        self.assertFalse(self.make_session().is_special_category)

    def test_suggested_services_match_needs_and_eligibility(self):
        session = self.make_session(person=self.person, needs=self.need_rent)
        self.assertEqual(session.suggested_service_ids, self.service_rent)
        # the parent need finds the services of its sub-needs too
        session_area = self.make_session(person=self.person, needs=self.need_economic)
        self.assertIn(self.service_rent, session_area.suggested_service_ids)
        # age: home care is for 65+, Mario is 46
        session_elderly = self.make_session(person=self.person, needs=self.need_elderly)
        self.assertFalse(session_elderly.suggested_service_ids)
        self.person.birth_date = False
        self.person.fiscal_code = False
        self.person.birth_date = "1950-05-05"
        session_elderly.invalidate_recordset()
        self.assertEqual(session_elderly.suggested_service_ids, self.service_sad)
        # residence: the rent contribution is for residents of the Ambito
        company2 = self.env["res.company"].create({"name": "Altro Ambito"})
        elsewhere = self.env["social.municipality"].create(
            {"name": "Milano", "company_id": company2.id}
        )
        self.person.residence_municipality_id = elsewhere
        session.invalidate_recordset()
        self.assertFalse(session.suggested_service_ids)
        session.action_add_suggested_services()
        self.assertFalse(session.service_ids)

    def test_quick_phone_log(self):
        wizard = (
            self.env["social.phone.log"]
            .with_user(self.operator_a)
            .create(
                {
                    "caller_name": "Una vicina di casa",
                    "request": "Anziana sola, non esce da giorni",
                    "need_ids": [Command.set(self.need_elderly.ids)],
                    "duration_minutes": 15,
                }
            )
        )
        self.assertEqual(wizard.desk_id, self.phone_desk)
        action = wizard.action_save()
        session = self.env["social.listening.session"].browse(action["res_id"])
        self.assertEqual(session.state, "done")
        self.assertEqual(session.channel, "phone")
        self.assertTrue(session.is_anonymous)
        self.assertEqual(session.interlocutor_name, "Una vicina di casa")
        self.assertAlmostEqual(session.duration, 0.25)
        self.assertEqual(session.operator_ids, self.operator_a)

    def test_quick_phone_log_records_the_anonymous_profile(self):
        """An anonymous call counts in the territorial statistics: the wizard passes the
        caller's age band, gender and municipality to the session; a known caller's come from
        their file."""
        Log = self.env["social.phone.log"].with_user(self.operator_a)
        values = {
            "request": "Chiede del contributo affitto",
            "need_ids": [Command.set(self.need_rent.ids)],
            "anon_age_band": "45_64",
            "anon_gender": "female",
            "anon_municipality_id": self.segrate.id,
        }
        action = Log.create(dict(values, caller_name="Un signore")).action_save()
        session = self.env["social.listening.session"].browse(action["res_id"])
        self.assertTrue(session.is_anonymous)
        self.assertEqual(session.anon_age_band, "45_64")
        self.assertEqual(session.anon_gender, "female")
        self.assertEqual(session.anon_municipality_id, self.segrate)
        self.make_session(person=self.person, user=self.operator_a)  # known at desk A
        action = Log.create(dict(values, person_id=self.person.id)).action_save()
        known = self.env["social.listening.session"].browse(action["res_id"])
        self.assertFalse(known.is_anonymous)
        self.assertFalse(known.anon_age_band or known.anon_gender or known.anon_municipality_id)

    def test_new_referral_from_session(self):
        anonymous = self.make_session()
        with self.assertRaisesRegex(UserError, "Link the session to a person"):
            anonymous.action_new_referral()
        session = self.make_session(
            person=self.person, service_ids=[Command.set(self.service_rent.ids)]
        )
        context = session.action_new_referral()["context"]
        self.assertEqual(context["default_target_service_id"], self.service_rent.id)
        self.assertEqual(context["default_origin_desk_id"], self.desk_a.id)


@tagged("post_install", "-at_install")
class TestDesk(SocialCase):
    def test_desk_with_open_work_cannot_be_archived(self):
        session = self.make_session(person=self.person)
        with self.assertRaisesRegex(UserError, r"1 open listening sessions: %s" % session.name):
            self.desk_a.action_archive()
        self.assertTrue(self.desk_a.active)
        session.write({"outcome": "information"})
        session.action_done()
        self.desk_a.action_archive()
        self.assertFalse(self.desk_a.active)

    def test_bad_codes_and_email(self):
        with self.assertRaisesRegex(ValidationError, "ISTAT"):
            self.env["social.municipality"].create({"name": "X", "istat_code": "12"})
        with self.assertRaisesRegex(ValidationError, "Cadastral"):
            self.env["social.municipality"].create({"name": "X", "cadastral_code": "1234"})
        self.assertEqual(self.pioltello.cadastral_code, "G686")
        with self.assertRaisesRegex(ValidationError, "not a valid address"):
            self.desk_a.email = "sportello@"


@tagged("post_install", "-at_install")
class TestServiceEligibility(SocialCase):
    def test_family_services_ignore_the_adults_age(self):
        nursery = self.env["social.service"].create(
            {"name": "Bonus nido (t)", "user_area": "families_minors", "max_age": 3}
        )
        self.assertTrue(nursery._is_eligible(age=40))
        elderly = self.env["social.service"].create({"name": "SAD (t)", "min_age": 65})
        self.assertFalse(elderly._is_eligible(age=40))
        self.assertTrue(elderly._is_eligible(age=None), "unknown data never excludes")
