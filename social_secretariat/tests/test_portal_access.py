"""Citizens and visitors on Odoo's access model: every model a portal or public user can read,
ours and Odoo's, and what each of them shows.

The sweep enumerates the models the portal and public groups can read (their ACL lines and
lines without a group) and fails on a model nobody reviewed: each model of REVIEWED says why a
citizen may read it and which rows are theirs. Citizen A and citizen B each have a person
file, appointments (calendar events), requests with a conversation, attachments and
notifications; A must see nothing tied to B, and the visitor nothing tied to either."""

import re
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_appointment import AppointmentCase, utc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _own_partner(case, user):
    return [("id", "child_of", user.partner_id.commercial_partner_id.id)]


def _own_user(case, user):
    return [("user_id", "=", user.id)]


def _created_by(case, user):
    return [("create_uid", "=", user.id)]


def _all(case, user):
    return []


def _channels(case, user):
    # Odoo's rule: the conversations the user takes part in, and the channels the staff opened
    # to everyone (a channel is for internal users unless its creator chooses otherwise)
    return [
        "|",
        ("is_member", "=", True),
        "&",
        ("channel_type", "=", "channel"),
        ("group_public_id", "in", [False, *user.groups_id.ids]),
    ]


def _channel_members(case, user):
    channels = case.env["discuss.channel"].with_user(user).search([])
    return [("channel_id", "in", channels.ids)]


# model -> (why a portal or public user reads it, the rows that are theirs: a domain, read as
# superuser, of (case, user)). A model readable by the portal or the public and missing here
# fails test_every_readable_model_is_reviewed.
REVIEWED = {
    # ours: their own records, and what the portal and the public catalogue publish
    "social.online.request": (
        "their requests to the online desk",
        lambda case, user: [("partner_id", "=", user.partner_id.id)],
    ),
    "social.appointment": (
        "their appointments",
        lambda case, user: [("partner_id", "=", user.partner_id.id)],
    ),
    "social.person": (
        "their person file (name only: PERSON_PORTAL_FIELDS)",
        lambda case, user: [("partner_id", "=", user.partner_id.id)],
    ),
    "social.appointment.topic": (
        "the topics bookable online, and those of their appointments",
        lambda case, user: [
            "|",
            ("is_online_bookable", "=", True),
            ("appointment_ids.partner_id", "=", user.partner_id.id),
        ],
    ),
    "social.desk": ("the desks: public offices (address, hours, contacts)", _all),
    "social.service": (
        "the published services (the catalogue)",
        lambda case, user: [("is_published", "=", True)],
    ),
    "social.service.document": (
        "the documents to bring for the published services",
        lambda case, user: [("service_id.is_published", "=", True)],
    ),
    "social.need": ("the areas of need: reference data of the catalogue and the form", _all),
    "social.municipality": ("the municipalities: reference data of the catalogue", _all),
    # Odoo's
    "mail.message": (
        "the conversation on their own records, and what they wrote or received",
        None,  # checked by _check_messages
    ),
    "mail.notification": (
        "their own notifications (rule added: Odoo has none)",
        lambda case, user: [("res_partner_id", "=", user.partner_id.id)],
    ),
    "mail.message.subtype": (
        "the public subtypes: configuration",
        lambda case, user: [("internal", "=", False)],
    ),
    "discuss.channel": ("Odoo's rule: their conversations and open channels", _channels),
    "discuss.channel.member": ("the members of those channels", _channel_members),
    "res.partner": ("their own contact (Odoo's rule)", _own_partner),
    "res.users": (
        "themselves (rule added: Odoo lets them read every user)",
        lambda c, u: [("id", "=", u.id)],
    ),
    "calendar.event": (
        "the events they attend: their appointments (Odoo's rule)",
        lambda case, user: [("partner_ids", "in", user.partner_id.id)],
    ),
    "ir.filters": ("their own saved filters (Odoo's rule)", _own_user),
    "res.company": (
        "their Ambiti (Odoo's rule)",
        lambda case, user: [("id", "in", user.company_ids.ids)],
    ),
    "res.country": ("reference data", _all),
    "res.country.state": ("reference data", _all),
    "res.country.group": ("reference data", _all),
    "res.currency": ("reference data", _all),
    "res.currency.rate": ("reference data", _all),
    "res.lang": ("reference data", _all),
    "bus.presence": ("their own presence (rule added: Odoo shows everyone's)", _own_user),
    "auth_totp.device": ("their own two-factor devices (Odoo's rule)", _own_user),
    "auth_totp.wizard": ("their own two-factor wizard (Odoo's rule)", _own_user),
    "res.users.apikeys": ("their own API keys (Odoo's rule)", _own_user),
    "res.users.apikeys.description": ("a wizard: their own (transient)", _created_by),
    "res.users.identitycheck": ("a wizard: their own (Odoo's rule)", _created_by),
    "res.partner.autocomplete.sync": (
        "partner_autocomplete's flags (rule added when the module is there)",
        lambda case, user: [("partner_id", "child_of", user.partner_id.commercial_partner_id.id)],
    ),
}


def readable_models(env, group_xmlids):
    """The models that users of these groups (or of any group: lines without one) can read."""
    groups = env["res.groups"].browse([env.ref(xmlid).id for xmlid in group_xmlids])
    accesses = env["ir.model.access"].search(
        [("perm_read", "=", True), "|", ("group_id", "=", False), ("group_id", "in", groups.ids)]
    )
    return set(accesses.model_id.mapped("model"))


@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
class TestPortalAccess(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen_a = new_test_user(
            cls.env, "citizen_a", groups="base.group_portal", name="Mario Rossi", email="a@ex.com"
        )
        cls.citizen_b = new_test_user(
            cls.env, "citizen_b", groups="base.group_portal", name="Lucia Verdi", email="b@ex.com"
        )
        cls.person.partner_id = cls.citizen_a.partner_id
        cls.person_2.partner_id = cls.citizen_b.partner_id
        cls.public = cls.env.ref("base.public_user")
        # appointments (and their calendar events), one each
        cls.appointment_a = cls._book_for("2026-03-25 10:00", cls.person)
        cls.appointment_b = cls._book_for("2026-03-25 10:30", cls.person_2)
        cls.appointment_b.note = "Viene con l'assistente sociale"
        # requests with a conversation: the citizen's documents, the desk's answer, a note
        cls.request_a = cls._request(cls.citizen_a, "Affitto A")
        cls.request_b = cls._request(cls.citizen_b, "Violenza B")
        # an unpublished service (with its documents) and a topic not bookable online
        cls.env["social.service.document"].create(
            {"service_id": cls.service_cav.id, "name": "Documento riservato"}
        )
        cls.env["social.service.document"].create(
            {"service_id": cls.service_rent.id, "name": "Contratto d'affitto"}
        )
        # staff conversations
        cls.env["discuss.channel"].with_user(cls.operator_a).create(
            {"name": "Staff only", "channel_type": "channel"}
        )
        # the demo's or other tests' filters, presences...: of other users
        cls.env["ir.filters"].create(
            {"name": "B's filter", "model_id": "social.appointment", "user_id": cls.citizen_b.id}
        )

    @classmethod
    def _book_for(cls, start_local, person):
        return cls.topic._book(person, cls.desk_b, utc(start_local), "phone")

    @classmethod
    def _request(cls, citizen, subject):
        # as the portal form does (controllers/portal.py)
        request = (
            cls.env["social.online.request"]
            .with_user(citizen)
            .sudo()
            .create(
                {
                    "subject": subject,
                    "message": f"Messaggio di {citizen.name}",
                    "partner_id": citizen.partner_id.id,
                    "company_id": cls.company.id,
                    "desk_id": cls.desk_a.id,
                }
            )
        )
        request.message_subscribe(partner_ids=citizen.partner_id.ids)
        request.message_post(
            body="Documents attached to the request.",
            attachments=[(f"isee-{citizen.login}.pdf", PDF)],
            author_id=citizen.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        request = request.sudo(False).with_env(cls.env)
        request.with_user(cls.operator_a).message_post(
            body=f"Risposta a {citizen.name}",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        request.with_user(cls.operator_a).message_post(
            body=f"Nota interna su {citizen.name}", subtype_xmlid="mail.mt_note"
        )
        return request

    # ------------------------------------------------------------
    # The sweep
    # ------------------------------------------------------------

    def test_every_readable_model_is_reviewed(self):
        for group in ("base.group_portal", "base.group_public"):
            with self.subTest(group=group):
                unreviewed = readable_models(self.env, [group]) - set(REVIEWED)
                self.assertFalse(
                    unreviewed,
                    f"{group} can read {sorted(unreviewed)}: add a record rule if needed, then "
                    "the model to REVIEWED with the reason and the rows that are the user's",
                )

    def _check_rows(self, user, model):
        reason, theirs = REVIEWED[model]
        Model = self.env[model].with_user(user).with_context(active_test=False)
        try:
            visible = Model.search([])
        except AccessError:
            return  # a group of this user only: nothing to see
        if model == "mail.message":
            return self._check_messages(user, visible)
        allowed = self.env[model].with_context(active_test=False).search(theirs(self, user))
        self.assertLessEqual(
            set(visible.ids), set(allowed.ids), f"{user.login} reads rows of {model} not theirs"
        )
        # every field the user may read, as RPC would: what the rules let through is theirs
        # (some of Odoo's fields, activities say, refuse a portal user: not a leak)
        for name in visible._fields:
            try:
                visible.read([name])
            except AccessError:
                continue

    def _check_messages(self, user, messages):
        partner = user.partner_id
        for message in messages.sudo():
            own = message.author_id == partner or partner in (
                message.partner_ids | message.notified_partner_ids
            )
            document = (
                self.env[message.model].with_user(user).browse(message.res_id)
                if message.model and message.res_id
                else None
            )
            public_on_theirs = bool(
                document
                and document.has_access("read")
                and not message.is_internal
                and not message.subtype_id.internal
            )
            self.assertTrue(
                own or public_on_theirs,
                f"{user.login} reads message {message.id} on {message.model},{message.res_id}",
            )

    def test_each_user_sees_only_their_rows(self):
        users = (self.citizen_a, self.citizen_b, self.public)
        for user in users:
            groups = ["base.group_public"] if user == self.public else ["base.group_portal"]
            for model in sorted(readable_models(self.env, groups)):
                with self.subTest(user=user.login, model=model):
                    self._check_rows(user, model)

    def test_citizen_a_sees_nothing_of_b(self):
        A = self.citizen_a
        self.assertEqual(self.env["social.online.request"].with_user(A).search([]), self.request_a)
        self.assertEqual(self.env["social.appointment"].with_user(A).search([]), self.appointment_a)
        self.assertEqual(self.env["social.person"].with_user(A).search([]), self.person)
        # B's name, what B wrote, the staff's answers and notes to B: on no model
        for model, field in (
            ("mail.message", "body"),
            ("mail.notification", "mail_message_id"),
            ("calendar.event", "name"),
            ("res.partner", "name"),
            ("res.users", "name"),
        ):
            with self.subTest(model=model):
                rows = self.env[model].with_user(A).search_read([], [field])
                self.assertNotIn("Lucia", str(rows))
                self.assertNotIn("Verdi", str(rows))
                self.assertNotIn("Violenza", str(rows))
        notifications = self.env["mail.notification"].with_user(A).search([])
        self.assertTrue(notifications, "A is notified of the answer to their request")
        self.assertEqual(notifications.res_partner_id, A.partner_id)
        # the staff's internal note is not for the citizen
        bodies = str(self.env["mail.message"].with_user(A).search_read([], ["body"]))
        self.assertIn("Risposta a Mario Rossi", bodies)
        self.assertNotIn("Nota interna", bodies)
        # no staff user, no other citizen
        self.assertEqual(self.env["res.users"].with_user(A).search([]), A)
        # the followers and attachments of B's request are out of reach
        for model in ("mail.followers", "ir.attachment"):
            with self.subTest(model=model):
                try:
                    rows = self.env[model].with_user(A).search([])
                except AccessError:
                    continue
                self.assertFalse(
                    rows.sudo().filtered(
                        lambda r: r.res_model == "social.online.request"
                        and r.res_id == self.request_b.id
                    )
                )

    def test_catalogue_and_bookable_topics_only(self):
        for user in (self.citizen_a, self.public):
            with self.subTest(user=user.login):
                services = self.env["social.service"].with_user(user).search([])
                self.assertNotIn(self.service_cav, services)
                self.assertIn(self.service_rent, services)
                documents = self.env["social.service.document"].with_user(user).search([])
                self.assertIn("Contratto d'affitto", documents.mapped("name"))
                self.assertNotIn("Documento riservato", documents.mapped("name"))
                topics = self.env["social.appointment.topic"].with_user(user).search([])
                self.assertIn(self.topic, topics)
                self.assertNotIn(self.topic_pair, topics)  # not bookable online
        # the topic of an appointment booked by phone: readable by its citizen only
        self.topic.is_online_bookable = False
        self.assertTrue(self.topic.with_user(self.citizen_a).has_access("read"))
        self.assertFalse(self.topic.with_user(self.public).has_access("read"))
        self.assertFalse(self.topic_pair.with_user(self.citizen_a).has_access("read"))

    def test_staff_only_fields(self):
        A = self.citizen_a
        for model, record, field in (
            ("social.appointment", self.appointment_a, "operator_ids"),
            ("social.appointment", self.appointment_a, "note"),
            ("social.appointment", self.appointment_a, "calendar_event_id"),
            ("social.appointment", self.appointment_a, "session_id"),
            ("social.online.request", self.request_a, "user_id"),
            ("social.online.request", self.request_a, "person_id"),
            ("social.online.request", self.request_a, "session_id"),
            ("social.person", self.person, "fiscal_code"),
            ("social.person", self.person, "phone"),
            ("social.person", self.person, "session_ids"),
            ("social.desk", self.desk_b, "operator_ids"),
            ("social.appointment.topic", self.topic, "appointment_ids"),
        ):
            with self.subTest(model=model, field=field):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(A).browse(record.id).read([field])
        # a read of "all fields" gives what the citizen may read, nothing else
        (values,) = self.env["social.person"].with_user(A).browse(self.person.id).read()
        self.assertLessEqual(
            set(values),
            {
                "id",
                "display_name",
                "name",
                "first_name",
                "last_name",
                "partner_id",
                "company_id",
                "active",
            },
        )
        (values,) = self.env["social.appointment"].with_user(A).browse(self.appointment_a.id).read()
        self.assertNotIn("note", values)
        self.assertNotIn("operator_ids", values)
        # nor through a search on them
        with self.assertRaises(AccessError):
            self.env["social.person"].with_user(A).search([("fiscal_code", "!=", False)])

    def test_citizen_writes_nothing_directly(self):
        A = self.citizen_a
        for record, values in (
            (self.appointment_a, {"start": utc("2026-03-26 10:00")}),
            (self.request_a, {"subject": "Altro"}),
            (self.person, {"first_name": "Pippo"}),
            (self.topic, {"name": "Altro"}),
        ):
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(A).write(values)
        with self.assertRaises(AccessError):
            self.env["social.appointment"].with_user(A).create(
                {
                    "person_id": self.person.id,
                    "topic_id": self.topic.id,
                    "desk_id": self.desk_b.id,
                    "start": utc("2026-03-26 10:00"),
                }
            )


@tagged("post_install", "-at_install")
class TestPortalRoutes(AppointmentCase, HttpCase):
    """The portal routes read in the citizen's own environment: another citizen's records
    answer as if they did not exist, the citizen's own open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen_a = new_test_user(cls.env, "route_a", groups="base.group_portal")
        cls.citizen_b = new_test_user(cls.env, "route_b", groups="base.group_portal")
        cls.person.partner_id = cls.citizen_a.partner_id
        cls.person_2.partner_id = cls.citizen_b.partner_id
        slots = cls.topic._get_free_slots(
            cls.desk_b,
            cls.env.cr.now().date(),
            cls.env.cr.now().date() + cls._days(20),
        )
        cls.slots = [
            slot["start"]
            for slot in slots
            if slot["start"] > cls.env.cr.now().replace(tzinfo=None) + cls._days(2)
        ]
        cls.appointment_b = cls.topic._book(cls.person_2, cls.desk_b, cls.slots[0], "phone")
        cls.request_b = cls.env["social.online.request"].create(
            {"subject": "Di B", "message": "…", "partner_id": cls.citizen_b.partner_id.id}
        )

    @staticmethod
    def _days(count):
        return timedelta(days=count)

    def test_another_citizens_records_are_not_found(self):
        self.authenticate("route_a", "route_a")
        for url in (
            f"/my/social/appointments/{self.appointment_b.id}",
            f"/my/social/appointments/{self.appointment_b.id}/ics",
            f"/my/social/requests/{self.request_b.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertTrue(response.headers["Location"].endswith("/my"))
        listing = self.url_open("/my/social/appointments").text
        self.assertNotIn(self.appointment_b.name, listing)

    def test_own_appointment_opens(self):
        appointment = self.topic._book(self.person, self.desk_b, self.slots[1], "phone")
        self.authenticate("route_a", "route_a")
        response = self.url_open(f"/my/social/appointments/{appointment.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(appointment.name, response.text)
        ics = self.url_open(f"/my/social/appointments/{appointment.id}/ics")
        self.assertEqual(ics.status_code, 200)
        self.assertIn(b"BEGIN:VCALENDAR", ics.content)
        home = self.url_open("/my/home").text
        self.assertTrue(home)

    def test_lost_room_race_is_answered_as_taken(self):
        """At a desk with one room, the loser of a race for the room gets the same answer as
        the loser of a race for an operator: 409, "just taken", nothing saved."""
        self.desk_b.appointment_seats = 1
        start = self.slots[2]
        # another operator of the desk, so that the time is free for operators but not for
        # the room: the slot check passes (the page was shown before), the room is gone
        self.authenticate("route_a", "route_a")
        form = self.url_open("/my/social/requests/new").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        Topic = type(self.env["social.appointment.topic"])
        self.topic._book(self.person_2, self.desk_b, start, "phone")
        count = self.env["social.appointment"].search_count([])
        with patch.object(Topic, "_check_slot", return_value=self.operator_a):
            response = self.url_open(
                "/social/book/confirm",
                data={
                    "topic": self.topic.id,
                    "desk": self.desk_b.id,
                    "start": start.strftime("%Y-%m-%d %H:%M:%S"),
                    "privacy": "on",
                    "csrf_token": token,
                },
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 409)
        self.assertIn('data-booking-error="taken"', response.text)
        self.assertEqual(self.env["social.appointment"].search_count([]), count)
