from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestAccessRules(SocialCase):
    """Each rule, tried as the user it is for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person_b = cls.env["social.person"].create(
            {"first_name": "Giovanna", "last_name": "Neri"}
        )
        cls.session_a = cls.make_session(
            person=cls.person, user=cls.operator_a, outcome="information"
        )
        cls.session_a = cls.session_a.with_env(cls.env)
        cls.session_a.confidential_notes = "Riferisce maltrattamenti in famiglia"
        cls.session_b = cls.make_session(desk=cls.desk_b, person=cls.person_b, user=cls.operator_b)
        cls.session_special = cls.make_session(
            person=cls.person,
            needs=cls.need_violence,
            user=cls.worker,
            request="Violenza domestica",
        )
        Session = cls.env["social.listening.session"]
        cls.all_sessions = cls.session_a | cls.session_b | cls.session_special
        cls.Session = Session

    def visible(self, user, model="social.listening.session", records=None):
        records = records if records is not None else self.all_sessions
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_operator_sees_own_desk_only(self):
        self.assertEqual(self.visible(self.operator_a), self.session_a)
        self.assertEqual(self.visible(self.operator_b), self.session_b)
        with self.assertRaises(AccessError):
            self.session_b.with_user(self.operator_a).read(["request"])
        # persons: those met at their desks
        persons = self.person | self.person_b
        self.assertEqual(self.visible(self.operator_a, "social.person", persons), self.person)
        self.assertEqual(self.visible(self.operator_b, "social.person", persons), self.person_b)

    def test_operator_changing_desk_sees_new_desk(self):
        self.assertNotIn(self.session_b, self.visible(self.operator_a))
        self.operator_a.social_desk_ids = [Command.link(self.desk_b.id)]
        self.assertIn(self.session_b, self.visible(self.operator_a))

    def test_special_category_content_for_social_workers_only(self):
        # an operator of the same desk does not see a special-category session held by others
        self.assertNotIn(self.session_special, self.visible(self.operator_a))
        self.assertIn(self.session_special, self.visible(self.worker))
        # ... but the person's timeline shows that a contact happened, without its content
        timeline = self.person.with_user(self.operator_a).timeline_html
        self.assertIn("Reserved content", timeline)
        self.assertNotIn("Violence", timeline)
        self.assertIn("Violence", self.person.with_user(self.worker).timeline_html)

    def test_confidential_notes_hidden_from_operators(self):
        session = self.session_a.with_user(self.operator_a)
        self.assertEqual(session.request, "Non riesco a pagare l'affitto")
        with self.assertRaises(AccessError):
            session.read(["confidential_notes"])
        with self.assertRaises(AccessError):
            self.Session.with_user(self.operator_a).search_read(
                [("id", "=", self.session_a.id)], ["confidential_notes"]
            )
        with self.assertRaises(AccessError):
            session.export_data(["name", "confidential_notes"])
        with self.assertRaises(AccessError):
            self.Session.with_user(self.operator_a).search(
                [("confidential_notes", "ilike", "maltratt")]
            )
        self.assertEqual(
            self.session_a.with_user(self.worker).read(["confidential_notes"])[0][
                "confidential_notes"
            ],
            "Riferisce maltrattamenti in famiglia",
        )
        self.assertNotIn(
            "confidential_notes",
            self.Session.with_user(self.operator_a).fields_get(["confidential_notes"]),
        )

    def test_worker_sees_full_files_and_received_referrals(self):
        self.assertEqual(self.visible(self.worker), self.all_sessions)
        consent = self.make_consent(person=self.person_b)
        referral_to_b = (
            self.env["social.referral"]
            .with_user(self.operator_b)
            .create(
                {
                    "person_id": self.person_b.id,
                    "origin_desk_id": self.desk_b.id,
                    "target_desk_id": self.desk_b.id,
                    "reason": "Richiesta di presa in carico",
                    "consent_id": consent.id,
                }
            )
        )
        self.assertFalse(self.visible(self.worker, "social.referral", referral_to_b))
        referral_to_b.receiving_user_ids = self.worker
        self.assertTrue(self.visible(self.worker, "social.referral", referral_to_b))
        self.assertFalse(self.visible(self.operator_a, "social.referral", referral_to_b))

    def test_coordinator_sees_the_whole_ambito_only(self):
        self.assertEqual(self.visible(self.coordinator), self.all_sessions)
        company2 = self.env["res.company"].create({"name": "Ambito 2"})
        desk2 = self.env["social.desk"].create(
            {"name": "Sportello altrove", "company_id": company2.id}
        )
        other = self.make_session(desk=desk2)
        self.assertEqual(other.company_id, company2)
        self.assertFalse(self.visible(self.coordinator, records=other))
        self.coordinator.company_ids = [Command.link(company2.id)]
        self.assertTrue(
            self.Session.with_user(self.coordinator)
            .with_context(allowed_company_ids=[self.env.company.id, company2.id])
            .search([("id", "=", other.id)])
        )

    def test_configuration_and_log_by_coordinators(self):
        with self.assertRaises(AccessError):
            self.env["social.desk"].with_user(self.operator_a).create({"name": "x"})
        with self.assertRaises(AccessError):
            self.desk_a.with_user(self.worker).write({"name": "x"})
        self.env["social.desk"].with_user(self.coordinator).create({"name": "Nuovo sportello"})
        self.person.with_user(self.worker).web_read({"name": {}})
        with self.assertRaises(AccessError):
            self.env["social.person.access.log"].with_user(self.worker).search([])
        logs = (
            self.env["social.person.access.log"]
            .with_user(self.coordinator)
            .search([("person_id", "=", self.person.id)])
        )
        self.assertTrue(logs)
        with self.assertRaises(AccessError):
            logs.with_user(self.coordinator).unlink()

    def test_operator_finds_a_person_known_elsewhere_by_code_only(self):
        code_person = self.env["social.person"].create(
            {"first_name": "Anna", "last_name": "Bianchi", "fiscal_code": "BNCNNA21B41Z343A"}
        )
        Person = self.env["social.person"].with_user(self.operator_a)
        self.assertFalse(Person.search([("name", "ilike", "Bianchi")]))
        self.assertFalse(Person.name_search("Bianchi"))
        found = Person.name_search("bncnna21b41z343a")
        self.assertEqual([pid for pid, _name in found], [code_person.id])
        # found by its code, the file can be linked; once met at the desk, it is theirs to see
        self.env["social.listening.session"].with_user(self.operator_a).create(
            {"desk_id": self.desk_a.id, "person_id": code_person.id}
        )
        self.assertTrue(Person.search([("name", "ilike", "Bianchi")]))
        self.assertEqual(code_person.met_desk_ids, self.desk_a)
        self.assertEqual(code_person.met_operator_ids, self.operator_a)

    def test_linking_a_hidden_file_by_id_is_refused(self):
        """An operator may not reach a file by putting its id in a record they create."""
        with self.assertRaises(AccessError):
            self.env["social.listening.session"].with_user(self.operator_a).create(
                {"desk_id": self.desk_a.id, "person_id": self.person_b.id}
            )
        with self.assertRaises(AccessError):
            self.make_consent(person=self.person_b).with_user(self.operator_a).copy()
        with self.assertRaises(AccessError):
            self.env["social.referral"].with_user(self.operator_a).create(
                {"person_id": self.person_b.id, "origin_desk_id": self.desk_a.id, "reason": "x"}
            )
        self.assertNotIn(
            self.person_b, self.visible(self.operator_a, "social.person", self.person_b)
        )

    def test_workflow_fields_cannot_be_forged(self):
        consent = self.make_consent(person=self.person)
        referral = (
            self.env["social.referral"]
            .with_user(self.operator_a)
            .create(
                {
                    "person_id": self.person.id,
                    "origin_desk_id": self.desk_a.id,
                    "target_desk_id": self.desk_b.id,
                    "reason": "Sfratto",
                    "consent_id": consent.id,
                }
            )
        )
        for vals in (
            {"state": "closed"},
            {"outcome": "taken_into_care"},
            {"is_overdue": True},
            {"sent_uid": self.coordinator.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "only through the buttons"),
            ):
                referral.write(vals)
        referral.action_send()
        with self.assertRaisesRegex(UserError, "coordinator"):
            referral.write({"receiving_user_ids": [(4, self.operator_a.id)]})
        with self.assertRaisesRegex(UserError, "is handled by"):
            referral.action_accept()
        session = self.session_special.with_user(self.worker)
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            session.write({"is_special_category": False})
        withdrawn = self.make_consent(person=self.person, purpose="sharing")
        withdrawn.action_withdraw()
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            withdrawn.with_user(self.worker).write({"date_withdrawn": False})

    def test_records_stay_in_their_ambito(self):
        company2 = self.env["res.company"].create({"name": "Ambito 3"})
        self.operator_a.company_ids = [Command.link(company2.id)]
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            self.session_a.with_user(self.operator_a).write({"company_id": company2.id})

    def test_referral_of_a_special_session_hidden_from_the_desk(self):
        consent = self.make_consent(person=self.person)
        referral = (
            self.env["social.referral"]
            .with_user(self.worker)
            .create(
                {
                    "person_id": self.person.id,
                    "session_id": self.session_special.id,
                    "origin_desk_id": self.desk_a.id,
                    "target_desk_id": self.desk_b.id,
                    "reason": "Violenza domestica: inviare al centro antiviolenza",
                    "consent_id": consent.id,
                }
            )
        )
        self.assertFalse(self.visible(self.operator_a, "social.referral", referral))
        self.assertTrue(self.visible(self.worker, "social.referral", referral))

    def test_portal_user_reaches_no_staff_model(self):
        portal = new_test_user(self.env, "citizen_t", groups="base.group_portal")
        # the citizen's own person file only (tests/test_portal_access.py): they have none
        self.assertFalse(self.env["social.person"].with_user(portal).search([]))
        for model in (
            "social.listening.session",
            "social.referral",
            "social.consent",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(portal).search([])
