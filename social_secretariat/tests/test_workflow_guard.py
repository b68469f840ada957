"""Transitions enforced by role and state, whoever calls: no context key a client can send
unlocks a workflow field; the actions check who calls; staff book and move appointments at
their desks and within the booking rules, a coordinator may override them with a reason."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools import guard
from .common_appointment import AppointmentCase, utc

# what a client can put in the context of any call_kw
FORGED = {"social_workflow": True, "social_anonymise": True, "social_override": True}
BUTTONS = "only through the buttons"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
class TestWorkflowGuard(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_max_open_appointments = 0
        cls.worker_b = new_test_user(
            cls.env,
            "worker_b_t",
            groups="social_secretariat.group_social_worker",
            name="Worker B",
        )
        cls.desk_b.operator_ids = [Command.link(cls.worker_b.id)]
        cls.consent = cls.make_consent(date_given="2026-01-01")
        # the person is known at desk A (Operator A) and at desk B (Operator B)
        cls.session = cls.make_session(
            person=cls.person, user=cls.operator_a, outcome="information"
        )
        cls.session = cls.session.with_env(cls.env)
        cls.session_b = cls.make_session(desk=cls.desk_b, person=cls.person, user=cls.operator_b)
        cls.session_b = cls.session_b.with_env(cls.env)
        cls.online_desk = cls.env["social.desk"].create(
            {
                "name": "Sportello online (test)",
                "kind": "online",
                "operator_ids": [Command.set(cls.operator_a.ids)],
            }
        )
        cls.citizen = new_test_user(cls.env, "citizen_wg", groups="base.group_portal")

    def make_referral(self, user=None, **values):
        vals = {
            "person_id": self.person.id,
            "origin_type": "desk",
            "origin_desk_id": self.desk_a.id,
            "target_desk_id": self.desk_b.id,
            "reason": "Sfratto imminente",
            "consent_id": self.consent.id,
            **values,
        }
        return self.env["social.referral"].with_user(user or self.operator_a).create(vals)

    def make_request(self):
        return (
            self.env["social.online.request"]
            .sudo()
            .create(
                {
                    "subject": "Affitto",
                    "message": "Non riesco a pagare.",
                    "partner_id": self.citizen.partner_id.id,
                    "desk_id": self.online_desk.id,
                    "company_id": self.company.id,
                }
            )
        )

    def appointment_values(self, start="2026-03-25 10:00", desk=None, **values):
        return {
            "person_id": self.person.id,
            "topic_id": self.topic.id,
            "desk_id": (desk or self.desk_b).id,
            "start": utc(start),
            **values,
        }

    def create_appointment(self, user=None, start="2026-03-25 10:00", **values):
        Appointment = self.env["social.appointment"].with_user(user or self.operator_b)
        return Appointment.create(self.appointment_values(start, **values))

    # ------------------------------------------------------------
    # 1. No context key unlocks anything
    # ------------------------------------------------------------

    def test_context_keys_unlock_no_session_field(self):
        session = self.session.with_user(self.operator_a).with_context(**FORGED)
        for vals in ({"state": "done"}, {"is_special_category": True}, {"is_anonymous": True}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, BUTTONS):
                session.write(vals)
        with self.assertRaisesRegex(UserError, BUTTONS):
            session.write({"follow_up_activity_id": 1})
        # a done session stays closed, whatever the context says
        session.action_done()
        self.assertEqual(session.state, "done")
        with self.assertRaisesRegex(UserError, "is done"):
            session.write({"request": "Riscritto"})
        with self.assertRaisesRegex(UserError, BUTTONS):
            session.write({"state": "draft"})
        # nor created as done
        with self.assertRaisesRegex(UserError, BUTTONS):
            self.env["social.listening.session"].with_user(self.operator_a).with_context(
                **FORGED
            ).create({"desk_id": self.desk_a.id, "state": "done"})

    def test_context_keys_unlock_no_referral_field(self):
        referral = self.make_referral().with_context(**FORGED)
        for vals in (
            {"state": "closed"},
            {"sent_uid": self.coordinator.id},
            {"accepted_date": "2026-03-01 10:00:00"},
            {"is_overdue": True},
            {"is_special_category": True},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, BUTTONS):
                referral.write(vals)
        with self.assertRaisesRegex(UserError, BUTTONS):
            self.env["social.referral"].with_user(self.operator_a).with_context(**FORGED).create(
                {
                    "person_id": self.person.id,
                    "origin_desk_id": self.desk_a.id,
                    "reason": "x",
                    "state": "accepted",
                }
            )
        referral.action_send()
        with self.assertRaisesRegex(UserError, "coordinator"):
            referral.write({"receiving_user_ids": [Command.link(self.operator_a.id)]})

    def test_context_keys_unlock_no_appointment_field(self):
        appointment = self.create_appointment().with_context(**FORGED)
        for vals in (
            {"state": "done"},
            {"state": "cancelled"},
            {"calendar_event_id": False},
            {"session_id": self.session_b.id},
            {"partner_id": self.citizen.partner_id.id},
            {"access_token": "chosen-by-the-client"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, BUTTONS):
                appointment.write(vals)
        with self.assertRaisesRegex(UserError, BUTTONS):
            self.create_appointment(start="2026-03-25 11:00", state="done")
        self.assertEqual(appointment.state, "booked")

    def test_context_keys_unlock_no_request_field(self):
        request = self.make_request().with_user(self.operator_a).with_context(**FORGED)
        for vals in (
            {"state": "closed"},
            {"first_answer_date": "2026-03-23 09:00:00"},
            {"answer_deadline": "2030-01-01 00:00:00"},
            {"session_id": self.session.id},
            {"access_token": "chosen-by-the-client"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, BUTTONS):
                request.write(vals)

    def test_anonymisation_context_key_opens_no_done_session(self):
        session = self.session.with_user(self.worker)
        session.action_done()
        with self.assertRaisesRegex(UserError, "is done"):
            session.with_context(social_anonymise=True).write({"request": False})
        # the anonymisation itself still clears it
        self.person.with_user(self.coordinator).action_anonymise("Richiesta dell'interessato")
        self.assertFalse(self.session.request)
        self.assertEqual(self.session.state, "done")

    def test_workflow_block_is_scoped(self):
        self.assertFalse(guard.in_workflow())
        with guard.workflow():
            self.assertTrue(guard.in_workflow())
        self.assertFalse(guard.in_workflow())
        with self.assertRaises(ValueError), guard.workflow():
            raise ValueError("refused in the middle of a transition")
        self.assertFalse(guard.in_workflow(), "reset after an error too")

    # ------------------------------------------------------------
    # 2. Transitions by role and state, whoever calls
    # ------------------------------------------------------------

    def test_referral_transitions_by_role(self):
        referral = self.make_referral()
        # the receiving side cannot send the origin's draft
        with self.assertRaises(AccessError):
            referral.with_user(self.worker_b).action_send()
        referral.action_send()
        # sent to the social workers of the receiving desk: not to those of another desk
        self.assertEqual(referral.receiving_user_ids, self.worker_b)
        with self.assertRaisesRegex(UserError, "handled by its receiving staff"):
            referral.with_user(self.worker).action_accept()
        with self.assertRaises(UserError):  # AccessError: not hers to read
            referral.with_user(self.operator_b).action_accept()
        referral.with_user(self.worker_b).action_accept()
        self.assertEqual(referral.state, "accepted")
        self.assertEqual(referral.accepted_uid, self.worker_b)
        # cancelling is for the origin
        with self.assertRaisesRegex(AccessError, "whoever wrote it"):
            referral.with_user(self.worker_b).action_cancel("Non serve più")
        referral.with_user(self.coordinator).action_cancel("Inserita per errore")
        self.assertEqual(referral.state, "cancelled")

    def test_session_transitions_by_role(self):
        # Worker reads every session, but the sessions of desk B are its staff's
        with self.assertRaisesRegex(AccessError, "handled by its operators"):
            self.session_b.with_user(self.worker).action_cancel()
        with self.assertRaisesRegex(AccessError, "handled by its operators"):
            self.session_b.with_user(self.worker).action_done()
        self.session_b.with_user(self.worker_b).action_cancel()
        self.assertEqual(self.session_b.state, "cancelled")
        self.session_b.with_user(self.coordinator).action_reset_draft()
        self.assertEqual(self.session_b.state, "draft")

    def test_appointment_transitions_by_role(self):
        appointment = self.create_appointment()
        # Operator A does not see desk B's appointments; Worker sees them, but they are desk B's
        with self.assertRaises(AccessError):
            appointment.with_user(self.operator_a).action_cancel()
        for action in ("action_done", "action_cancel", "action_start_session"):
            with self.subTest(action=action), self.assertRaisesRegex(AccessError, "staff of"):
                getattr(appointment.with_user(self.worker), action)()
        with freeze_time("2026-03-25 09:00:00"), self.assertRaisesRegex(AccessError, "staff of"):
            appointment.with_user(self.worker).action_no_show()
        with self.assertRaisesRegex(AccessError, "staff of"):
            appointment.with_user(self.worker).write({"start": utc("2026-03-25 11:00")})
        appointment.with_user(self.operator_b).action_done()
        self.assertEqual(appointment.state, "done")
        with self.assertRaisesRegex(AccessError, "staff of"):
            appointment.with_user(self.worker).action_reset_booked()
        appointment.with_user(self.coordinator).action_reset_booked()
        self.assertEqual(appointment.state, "booked")

    def test_request_transitions_by_role(self):
        request = self.make_request()
        # Operator B works at another desk; the citizen reads her request, but is no staff
        for user in (self.operator_b, self.citizen):
            for action in ("action_close", "action_assign_to_me", "action_convert_to_session"):
                with self.subTest(user=user.name, action=action), self.assertRaises(AccessError):
                    getattr(request.with_user(user), action)()
        request.with_user(self.operator_a).action_assign_to_me()
        self.assertEqual((request.state, request.user_id), ("assigned", self.operator_a))
        request.with_user(self.operator_a).action_close()
        self.assertEqual(request.state, "closed")
        with self.assertRaisesRegex(UserError, "already taken on or closed"):
            request.with_user(self.operator_a).action_assign_to_me()

    # ------------------------------------------------------------
    # 3. and 4. Staff book and move at their desks, within the booking rules
    # ------------------------------------------------------------

    def test_staff_create_within_the_booking_rules(self):
        appointment = self.create_appointment()
        self.assertEqual(appointment.operator_ids, self.operator_b, "chosen as by the assistant")
        self.assertEqual(appointment.stop, utc("2026-03-25 10:30"))
        for start, message in (
            ("2026-03-25 03:00", "not open"),
            ("2026-03-25 10:10", "start every 30 minutes"),
            ("2026-03-20 10:00", "in the past"),
            ("2026-03-23 11:00", "at least 24(.0)? hours ahead"),
            ("2026-05-25 10:00", "at most 30 days ahead"),
            ("2026-03-25 10:00", "already has an appointment"),  # the person, or the operator
        ):
            with self.subTest(start=start), self.assertRaisesRegex(UserError, message):
                self.create_appointment(start=start)
        with self.assertRaisesRegex(UserError, "does not receive at"):
            self.create_appointment(
                start="2026-03-25 11:00", operator_ids=[Command.set(self.operator_a.ids)]
            )
        with self.assertRaisesRegex(UserError, "last 30 minutes"):
            self.create_appointment(start="2026-03-25 11:00", stop=utc("2026-03-25 11:45"))

    def test_staff_create_at_their_desks_only(self):
        with self.assertRaisesRegex(AccessError, "do not work at"):
            self.create_appointment(desk=self.desk_a)
        # a context default is a value like any other
        with self.assertRaisesRegex(AccessError, "do not work at"):
            values = self.appointment_values()
            del values["desk_id"]
            self.env["social.appointment"].with_user(self.operator_b).with_context(
                default_desk_id=self.desk_a.id
            ).create(values)
        with self.assertRaisesRegex(AccessError, "do not work at"):
            self.env["social.listening.session"].with_user(self.operator_b).create(
                {"desk_id": self.desk_a.id, "request": "x"}
            )
        with self.assertRaisesRegex(AccessError, "do not work at"):
            self.make_referral(user=self.operator_b)

    def test_staff_move_within_the_rules_and_their_desks(self):
        appointment = self.create_appointment().with_user(self.operator_b)
        with self.assertRaisesRegex(UserError, "not open"):
            appointment.write({"start": utc("2026-03-25 03:00")})
        with self.assertRaisesRegex(UserError, "in the past"):
            appointment.write({"start": utc("2026-03-20 10:00")})
        with self.assertRaisesRegex(AccessError, "do not work at"):
            appointment.write({"desk_id": self.desk_a.id})
        appointment.write({"start": utc("2026-03-25 11:00")})
        self.assertEqual(appointment.stop, utc("2026-03-25 11:30"))
        # a session moved to another desk, or from one
        session = self.session_b.with_user(self.operator_b)
        with self.assertRaisesRegex(AccessError, "do not work at"):
            session.write({"desk_id": self.desk_a.id})
        with self.assertRaisesRegex(AccessError, "do not work at"):
            self.session_b.with_user(self.worker).write({"desk_id": self.desk_a.id})

    def test_coordinator_overrides_with_a_reason(self):
        Appointment = self.env["social.appointment"].with_user(self.coordinator)
        values = self.appointment_values(
            "2026-03-25 07:00", operator_ids=[Command.set(self.operator_b.ids)]
        )
        with self.assertRaisesRegex(UserError, "not open"):
            Appointment.create(values)
        with self.assertRaisesRegex(UserError, "say why"):
            Appointment.create({**values, "override_reason": "   "})
        appointment = Appointment.create(
            {**values, "override_reason": "Unica ora possibile per la persona"}
        )
        self.assertEqual(appointment.start, utc("2026-03-25 07:00"))
        note = appointment.message_ids.filtered(lambda m: "outside the booking rules" in m.body)
        self.assertIn("Unica ora possibile", note.body)
        self.assertIn("Coordinator", note.body)
        # the reason counts for the change it comes with only
        with self.assertRaisesRegex(UserError, "not open"):
            appointment.write({"start": utc("2026-03-25 06:00")})
        appointment.write({"start": utc("2026-03-25 06:00"), "override_reason": "Spostato"})
        # an operator cannot override
        with self.assertRaises(AccessError):
            self.create_appointment(start="2026-03-25 07:00", override_reason="Per favore")
        with self.assertRaises(AccessError):
            self.create_appointment().write(
                {"start": utc("2026-03-25 07:00"), "override_reason": "Per favore"}
            )
