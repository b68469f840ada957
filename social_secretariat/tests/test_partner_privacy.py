from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestPartnerPrivacy(SocialCase):
    """A person's name, contacts and existence reach, through Odoo's own models (contacts,
    followers, attendees, notifications, portal accounts), only who may read the file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person.partner_id.email = "mario.rossi@example.com"
        cls.make_session(person=cls.person, user=cls.operator_a)  # Mario is known at desk A
        cls.partner = cls.person.partner_id
        cls.session_b = cls.make_session(
            desk=cls.desk_b,
            person=cls.env["social.person"].create({"first_name": "Bruna", "last_name": "B"}),
            user=cls.operator_b,
        ).with_env(cls.env)
        # a partner organisation and a colleague: not persons
        cls.caritas = cls.env["res.partner"].create({"name": "Caritas (t)", "is_company": True})
        cls.other_staff = new_test_user(cls.env, "hr_t", groups="base.group_user", name="HR")

    def partners(self, user, domain=None):
        return (
            self.env["res.partner"]
            .with_user(user)
            .search(domain or [("id", "in", (self.partner | self.caritas).ids)])
        )

    def test_contact_of_a_person_only_with_the_file(self):
        self.assertEqual(self.partner.social_person_id, self.person)
        for user in (self.operator_a, self.worker, self.coordinator):
            with self.subTest(user=user.login):
                self.assertIn(self.partner, self.partners(user))
                self.partner.with_user(user).read(["name", "phone", "email"])
        for user in (self.operator_b, self.other_staff):
            with self.subTest(user=user.login):
                self.assertEqual(self.partners(user), self.caritas)
                with self.assertRaises(AccessError):
                    self.partner.with_user(user).read(["name"])
                # by name, phone or e-mail: not even the existence
                for domain in (
                    [("name", "ilike", "Rossi")],
                    [("email", "=", "mario.rossi@example.com")],
                    [
                        ("phone", "ilike", "9236 6364")
                    ],  # Mario's number (the demo Ambito shares 9236)
                    [("mobile", "ilike", "123 4567")],
                ):
                    self.assertFalse(self.partners(user, domain), domain)
        # operator B meets Mario at her desk: now she may read the file, and the contact
        self.make_session(desk=self.desk_b, person=self.person, user=self.operator_b)
        self.assertIn(self.partner, self.partners(self.operator_b))

    def test_the_person_link_is_not_shown_to_operators(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.operator_a).search(
                [("social_person_id", "!=", False)]
            )
        self.assertTrue(
            self.env["res.partner"]
            .with_user(self.worker)
            .search([("social_person_id", "=", self.person.id)])
        )

    def test_staff_and_new_files_stay_visible(self):
        # colleagues, even one with a file of their own, and the files one creates
        self.env["social.person"].create(
            {"first_name": "Collega", "last_name": "X", "partner_id": self.operator_a.partner_id.id}
        )
        self.assertTrue(self.operator_a.partner_id.with_user(self.operator_b).read(["name"]))
        new = (
            self.env["social.person"]
            .with_user(self.operator_b)
            .create({"first_name": "Nuova", "last_name": "Persona", "mobile": "3331234567"})
        )
        self.assertEqual(new.with_user(self.operator_b).partner_id.mobile, "+39 333 123 4567")
        self.assertTrue(new.partner_id.with_user(self.operator_b).read(["name", "mobile"]))

    def test_followers_and_notifications(self):
        # the citizen follows a session of desk B and is notified of a message on it
        self.session_b.message_subscribe(partner_ids=self.partner.ids)
        self.session_b.message_post(
            body="Promemoria documenti",
            partner_ids=self.partner.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        Follower = self.env["mail.followers"]
        Notification = self.env["mail.notification"]
        for user, sees in ((self.operator_b, False), (self.worker, True)):
            # one user per request: x2many values cached for another user are not theirs
            self.env.invalidate_all()
            with self.subTest(user=user.login):
                followers = Follower.with_user(user).search([("partner_id", "=", self.partner.id)])
                self.assertEqual(bool(followers), sees)
                session = self.session_b.with_user(user)
                self.assertEqual(self.partner in session.message_follower_ids.partner_id, sees)
                self.assertEqual(self.partner in session.message_partner_ids, sees)
                # notifications: one's own only, received or of one's messages
                self.assertFalse(
                    Notification.with_user(user).search([("res_partner_id", "=", self.partner.id)])
                )
        # the operator still writes on her session: the citizen follower is notified, and she
        # sees the delivery of her own message
        self.env.invalidate_all()
        message = self.session_b.with_user(self.operator_b).message_post(
            body="Documenti ricevuti", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertIn(self.partner, message.sudo().notification_ids.res_partner_id)
        self.assertTrue(
            Notification.with_user(self.operator_b).search([("mail_message_id", "=", message.id)])
        )

    def test_messages_written_by_a_person(self):
        # a citizen writes on a record of desk B (e.g. booking from the portal)
        message = self.session_b.message_post(
            body="Ho prenotato", author_id=self.partner.id, message_type="comment"
        )
        staff_note = self.session_b.message_post(body="Nota interna", message_type="comment")
        Message = self.env["mail.message"]
        for user, sees in ((self.operator_b, False), (self.operator_a, False), (self.worker, True)):
            with self.subTest(user=user.login):
                found = Message.with_user(user).search([("id", "in", (message | staff_note).ids)])
                self.assertEqual(message in found, sees)
                if sees:
                    message.with_user(user).read(["author_id", "body"])
                else:
                    with self.assertRaises(AccessError):
                        message.with_user(user).read(["author_id", "body"])
        # operator B reads the session and the staff's messages on it
        self.assertIn(
            staff_note, Message.with_user(self.operator_b).search([("id", "=", staff_note.id)])
        )

    def test_calendar_attendees(self):
        event = self.env["calendar.event"].create(
            {
                "name": "Colloquio",
                "start": fields.Datetime.now(),
                "stop": fields.Datetime.add(fields.Datetime.now(), hours=1),
                "user_id": self.operator_b.id,
                "partner_ids": [Command.set((self.partner | self.operator_b.partner_id).ids)],
            }
        )
        self.assertEqual(len(event.attendee_ids), 2)
        self.env.invalidate_all()  # one user per request: the values cached as superuser go
        mine = event.with_user(self.operator_b)
        self.assertEqual(mine.partner_ids, self.operator_b.partner_id)
        self.assertEqual(mine.attendee_ids.partner_id, self.operator_b.partner_id)
        attendees = self.env["calendar.attendee"].with_user(self.operator_b)
        self.assertFalse(attendees.search([("partner_id", "=", self.partner.id)]))
        self.assertFalse(attendees.search([("email", "=", "mario.rossi@example.com")]))
        # her own answer and a move of the event still work, the citizen stays invited
        mine.attendee_ids.do_accept()
        mine.write({"start": event.start, "stop": fields.Datetime.add(event.stop, hours=1)})
        self.env.invalidate_all()
        self.assertEqual(event.partner_ids, self.partner | self.operator_b.partner_id)
        self.assertEqual(len(event.attendee_ids), 2)
        self.env.invalidate_all()
        self.assertIn(
            self.partner,
            event.with_user(self.operator_a).attendee_ids.partner_id,
            "operator A may read the file, and sees the attendee",
        )

    def test_bank_accounts_and_calendar_filters(self):
        bank = self.env["res.partner.bank"].create(
            {"acc_number": "IT60X0542811101000000123456", "partner_id": self.partner.id}
        )
        calendar_filter = self.env["calendar.filters"].create(
            {"user_id": self.operator_b.id, "partner_id": self.partner.id}
        )
        for user, sees in ((self.operator_b, False), (self.operator_a, True), (self.worker, True)):
            with self.subTest(user=user.login):
                banks = self.env["res.partner.bank"].with_user(user).search([("id", "=", bank.id)])
                self.assertEqual(bool(banks), sees)
                filters = (
                    self.env["calendar.filters"]
                    .with_user(user)
                    .search([("id", "=", calendar_filter.id)])
                )
                self.assertEqual(bool(filters), sees)

    def test_portal_account_of_a_person(self):
        citizen = new_test_user(self.env, "citizen_pp", groups="base.group_portal", name="Carla M")
        self.env["social.person"].create(
            {"first_name": "Carla", "last_name": "M", "partner_id": citizen.partner_id.id}
        )
        Users = self.env["res.users"]
        self.assertFalse(Users.with_user(self.operator_b).search([("id", "=", citizen.id)]))
        self.assertFalse(Users.with_user(self.operator_b).search([("login", "=", "citizen_pp")]))
        self.assertTrue(Users.with_user(self.worker).search([("id", "=", citizen.id)]))
        # staff still see each other
        self.assertTrue(Users.with_user(self.operator_b).search([("id", "=", self.worker.id)]))
        # the citizen still reads her own contact
        self.assertTrue(citizen.partner_id.with_user(citizen).read(["name", "email"]))
