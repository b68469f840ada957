from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import CF_MARIO

from .common import NetworkCase


class DigitalAssistanceCase(NetworkCase):
    """Organisation A is a facilitation hub with a desk; B is a listening desk only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Desk = cls.env["social.desk"]
        cls.hub_desk = Desk.create(
            {
                "name": "Punto digitale A (test)",
                "kind": "partner",
                "network_member_id": cls.member_a.id,
                "municipality_id": cls.pioltello.id,
            }
        )
        cls.desk_b = Desk.create(
            {"name": "Sportello B (test)", "kind": "partner", "network_member_id": cls.member_b.id}
        )
        cls.milano = cls.env.ref("base.state_it_mi")
        cls.spid = cls.env.ref("social_secretariat_network.competence_digital_identity")
        cls.Act = cls.env["social.digital.assistance"]

    @classmethod
    def _vals(cls, **vals):
        return {
            "fiscal_code": CF_MARIO,
            "gender": "male",
            "age_band": "30_54",
            "education_level": "upper_secondary",
            "employment_status": "employed",
            "citizenship": "italian",
            "province_id": cls.milano.id,
            "date": cls.today,
            "duration": 30,
            "assistance_type": "individual",
            "competence_ids": [Command.set(cls.spid.ids)],
            "service_area": "inps",
            "outcome": "completed",
            **vals,
        }


@tagged("post_install", "-at_install")
class TestDigitalAssistance(DigitalAssistanceCase):
    def test_partner_records_for_own_organisation_whatever_sent(self):
        act = self.Act.with_user(self.user_a).create(
            self._vals(member_id=self.member_b.id, user_id=self.user_b.id, desk_id=False)
        )
        self.assertEqual(act.member_id, self.member_a)
        self.assertEqual(act.user_id, self.user_a)
        self.assertEqual(act.company_id, self.member_a.company_id)

    def test_partner_cannot_move_an_act(self):
        act = self.Act.with_user(self.user_a).create(self._vals())
        with self.assertRaises(AccessError):
            act.with_user(self.user_a).write({"member_id": self.member_b.id})
        with self.assertRaises(AccessError):
            act.with_user(self.user_a).write({"user_id": self.coordinator.id})
        # the partner corrects what they typed
        act.with_user(self.user_a).write({"duration": 50, "outcome": "partial"})
        self.assertEqual((act.duration, act.outcome), (50, "partial"))

    def test_partner_cannot_delete(self):
        act = self.Act.with_user(self.user_a).create(self._vals())
        with self.assertRaises(AccessError):
            act.with_user(self.user_a).unlink()
        act.with_user(self.coordinator).unlink()
        self.assertFalse(act.exists())

    def test_non_hub_refused(self):
        with self.assertRaisesRegex(UserError, "not a digital facilitation hub"):
            self.Act.with_user(self.user_b).create(self._vals())
        with self.assertRaisesRegex(UserError, "not a digital facilitation hub"):
            self.Act.with_user(self.coordinator).create(
                self._vals(member_id=self.member_b.id, user_id=self.coordinator.id)
            )

    def test_inactive_organisation_refused(self):
        self.member_a.with_user(self.coordinator).action_suspend("Verifica")
        with self.assertRaises(UserError):
            self.Act.with_user(self.coordinator).create(self._vals(member_id=self.member_a.id))

    def test_citizen_without_a_partner_organisation_refused(self):
        with self.assertRaises(AccessError):
            self.Act.with_user(self.citizen).create(self._vals())

    def test_code_or_document_required(self):
        Act = self.Act.with_user(self.user_a)
        with self.assertRaisesRegex(ValidationError, "codice fiscale or"):
            Act.create(self._vals(fiscal_code=False))
        with self.assertRaisesRegex(ValidationError, "codice fiscale or"):
            Act.create(self._vals(fiscal_code=False, document_type="passport"))
        act = Act.create(
            self._vals(fiscal_code=False, document_type="passport", document_number=" ya1234 ")
        )
        self.assertEqual((act.document_type, act.document_number), ("passport", "YA1234"))
        # with a codice fiscale, the document is not kept
        act.write({"fiscal_code": "rssmra 80c15 g686k"})
        self.assertEqual(act.fiscal_code, CF_MARIO)
        self.assertFalse(act.document_type or act.document_number)

    def test_fiscal_code_validated(self):
        with self.assertRaisesRegex(ValidationError, "check character"):
            self.Act.with_user(self.user_a).create(self._vals(fiscal_code="RSSMRA80C15G686X"))

    def test_desk_of_the_organisation_only(self):
        act = self.Act.with_user(self.user_a).create(self._vals(desk_id=self.hub_desk.id))
        self.assertEqual(act.desk_id, self.hub_desk)
        with self.assertRaisesRegex(ValidationError, "is not a desk of"):
            act.with_user(self.user_a).write({"desk_id": self.desk_b.id})

    def test_validations(self):
        Act = self.Act.with_user(self.user_a)
        with self.assertRaisesRegex(ValidationError, "future"):
            Act.create(self._vals(date=self.today + timedelta(days=2)))
        with self.assertRaises(ValidationError):
            Act.create(self._vals(province_id=self.env.ref("base.state_us_5").id))
        with self.assertRaisesRegex(ValidationError, "2000"):
            Act.create(self._vals(description="x" * 2001))
        with self.assertRaisesRegex(ValidationError, "Duration"):
            Act.create(self._vals(duration=0))
        with self.assertRaisesRegex(ValidationError, "Duration"):
            Act.create(self._vals(duration=481))

    def test_facilitator_is_staff_or_an_operator_of_the_organisation(self):
        with self.assertRaisesRegex(ValidationError, "is not an operator of"):
            self.Act.with_user(self.coordinator).create(
                self._vals(member_id=self.member_a.id, user_id=self.user_b.id)
            )
        act = self.Act.with_user(self.coordinator).create(
            self._vals(member_id=self.member_a.id, user_id=self.user_a.id)
        )
        self.assertEqual(act.user_id, self.user_a)

    def test_rules(self):
        act = self.Act.with_user(self.user_a).create(self._vals())
        # B, another organisation's operator: nothing
        self.assertFalse(self.Act.with_user(self.user_b).search([]))
        with self.assertRaises(AccessError):
            act.with_user(self.user_b).read(["fiscal_code"])
        with self.assertRaises(AccessError):
            act.with_user(self.user_b).write({"duration": 5})
        # staff: operators read, the coordinator changes
        self.assertEqual(act.with_user(self.operator_a).read(["duration"])[0]["duration"], 30)
        with self.assertRaises(AccessError):
            act.with_user(self.operator_a).write({"duration": 5})
        act.with_user(self.coordinator).write({"duration": 5})
        # a citizen: nothing at all
        with self.assertRaises(AccessError):
            self.Act.with_user(self.citizen).search([])

    def test_display_name_without_the_citizen(self):
        act = self.Act.with_user(self.user_a).create(self._vals())
        self.assertNotIn(CF_MARIO, act.display_name)
        self.assertIn(self.today.strftime("%d/%m/%Y"), act.display_name)
