"""Rough edges of the back office a newcomer hit on the first day (issue 12): the appointment's
.ics comes from the desk, staff land on their work, list dates without seconds, a social
worker's received referrals, the name typed carried into a new person, a new session's title,
no Apps menu for staff, dialog titles, calendar entries that say who and what, documents to
bring said once."""

from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_appointment import AppointmentCase


@tagged("post_install", "-at_install")
class TestBackOfficeEdges(AppointmentCase):
    @freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
    def test_ics_shows_the_desk_not_the_operators(self):
        self.operator_b.email = "op.b@internal.example"
        self.operator_a.email = "op.a@internal.example"
        self.desk_b.email = "sportello.segrate@ambito.example"
        self.person.email = "mario.rossi@example.com"
        appointment = self.book("2026-03-25 09:00", operators=self.operator_b)
        event = appointment.calendar_event_id
        self.assertIn(self.operator_b.partner_id, event.partner_ids)
        ics = event._get_ics_file()[event.id].decode()
        unfolded = ics.replace("\r\n ", "")
        for address in ("op.b@internal.example", "op.a@internal.example"):
            self.assertNotIn(address, unfolded)
        self.assertIn("MAILTO:sportello.segrate@ambito.example", unfolded)
        self.assertIn(self.desk_b.name, unfolded)
        self.assertIn("mario.rossi@example.com", unfolded)

    @freeze_time("2026-03-23 08:10:00")
    def test_ics_without_desk_email_uses_the_ambito(self):
        self.operator_b.email = "op.b@internal.example"
        self.desk_b.email = False
        self.company.email = "info@ambito.example"
        appointment = self.book("2026-03-25 09:30", operators=self.operator_b)
        event = appointment.calendar_event_id
        unfolded = event._get_ics_file()[event.id].decode().replace("\r\n ", "")
        self.assertNotIn("op.b@internal.example", unfolded)
        self.assertIn("MAILTO:info@ambito.example", unfolded)

    def test_demo_staff_land_on_segretariato_sociale(self):
        action = self.env.ref("social_secretariat.social_listening_session_action")
        for xmlid in (
            "user_operator_demo",
            "user_worker_demo",
            "user_educator_demo",
            "user_coordinator_demo",
            "user_operator_segrate_demo",
        ):
            with self.subTest(user=xmlid):
                user = self.env.ref(f"social_secretariat.{xmlid}")
                self.assertEqual(user.action_id.id, action.id)

    def test_list_dates_without_seconds(self):
        lists = {
            "social.listening.session": ["date"],
            "social.referral": ["sent_date", "ack_deadline"],
            "social.appointment": ["start"],
            "social.online.request": ["create_date", "answer_deadline"],
        }
        for model, names in lists.items():
            arch = self.env[model].get_view(view_type="list")["arch"]
            root = etree.fromstring(arch)
            for name in names:
                with self.subTest(model=model, field=name):
                    (node,) = root.xpath(f"//field[@name='{name}']")
                    self.assertEqual(node.get("widget"), "datetime")
                    self.assertIn("'show_seconds': false", node.get("options", ""))

    def test_received_referrals_menu_for_social_workers(self):
        menu = self.env.ref("social_secretariat.social_referral_received_menu")
        self.assertEqual(menu.parent_id, self.env.ref("social_secretariat.social_referral_menu"))
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.worker)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.operator_a)._visible_menu_ids())
        # operators keep their referrals one click away
        all_menu = self.env.ref("social_secretariat.social_referral_all_menu")
        self.assertIn(all_menu.id, Menu.with_user(self.operator_a)._visible_menu_ids())

        consent = self.make_consent(date_given="2026-01-01")
        self.make_session(person=self.person, user=self.operator_a)
        Referral = self.env["social.referral"].with_user(self.operator_a)
        values = {
            "person_id": self.person.id,
            "origin_type": "desk",
            "origin_desk_id": self.desk_a.id,
            "target_service_id": self.service_rent.id,
            "target_desk_id": self.desk_b.id,
            "reason": "Sfratto imminente",
            "consent_id": consent.id,
        }
        to_me = Referral.create({**values, "receiving_user_ids": [Command.set(self.worker.ids)]})
        to_me.action_send()
        closed = Referral.create({**values, "receiving_user_ids": [Command.set(self.worker.ids)]})
        closed.action_send()
        closed.with_user(self.worker).action_reject("Non di nostra competenza")
        draft = Referral.create({**values, "receiving_user_ids": [Command.set(self.worker.ids)]})
        to_others = Referral.create(
            {**values, "receiving_user_ids": [Command.set(self.coordinator.ids)]}
        )
        to_others.action_send()

        action = menu.action
        self.assertEqual(action.name, "Received referrals")
        domain = safe_eval(action.domain, {"uid": self.worker.id})
        received = self.env["social.referral"].with_user(self.worker).search(domain)
        self.assertIn(to_me, received)
        self.assertIn(closed, received)
        self.assertNotIn(draft, received, "a draft is not sent yet")
        self.assertNotIn(to_others, received)
        # opened on what waits for the worker: the open ones
        self.assertEqual(safe_eval(action.context).get("search_default_open"), 1)
        search = self.env["social.referral"].get_view(view_type="search")["arch"]
        (open_filter,) = etree.fromstring(search).xpath("//filter[@name='open']")
        waiting = (
            self.env["social.referral"]
            .with_user(self.worker)
            .search(domain + safe_eval(open_filter.get("domain")))
        )
        self.assertIn(to_me, waiting)
        self.assertNotIn(closed, waiting)

    def test_typed_name_fills_the_new_person(self):
        Person = self.env["social.person"].with_user(self.operator_a)
        # quick create: the name typed in a person field, then "Create"
        person_id, label = Person.name_create("Maria De Luca")
        person = Person.browse(person_id)
        self.assertEqual((person.first_name, person.last_name), ("Maria", "De Luca"))
        self.assertEqual(label, "Maria De Luca")
        # "Create and edit...": the form opens with the name typed (default_name)
        form = Form(Person.with_context(default_name="Mario Bianchi"))
        self.assertEqual(form.first_name, "Mario")
        self.assertEqual(form.last_name, "Bianchi")
        person = form.save()
        self.assertEqual(person.name, "Mario Bianchi")
        # a name given as first and last name is not overridden
        form = Form(
            Person.with_context(
                default_name="Mario Bianchi", default_first_name="Anna", default_last_name="Neri"
            )
        )
        self.assertEqual((form.first_name, form.last_name), ("Anna", "Neri"))

    def test_new_session_title(self):
        Session = self.env["social.listening.session"].with_user(self.operator_a)
        new = Session.new({"desk_id": self.desk_a.id})
        self.assertEqual(new.display_name, "New session")
        # what the form asks when it opens a new session (its title and breadcrumb)
        spec = dict.fromkeys(("display_name", "name", "person_id", "desk_id"), {})
        values = Session.onchange({}, [], spec)["value"]
        self.assertEqual(values["display_name"], "New session")
        form = Form(Session)
        form.desk_id = self.desk_a
        saved = form.save()
        self.assertNotEqual(saved.name, "/")
        self.assertEqual(saved.display_name, f"{saved.name} – anonymous")

    def test_apps_menu_only_for_administrators(self):
        apps = self.env.ref("base.menu_management")
        Menu = self.env["ir.ui.menu"]
        users = self.coordinator | self.worker | self.operator_a
        for xmlid in ("user_operator_demo", "user_worker_demo", "user_coordinator_demo"):
            users |= self.env.ref(f"social_secretariat.{xmlid}")
        for user in users:
            with self.subTest(user=user.login):
                self.assertNotIn(apps.id, Menu.with_user(user)._visible_menu_ids())
        self.assertIn(apps.id, Menu.with_user(self.env.ref("base.user_admin"))._visible_menu_ids())

    def test_dialogs_say_what_they_do(self):
        """A dialog without an action name is titled "Odoo"."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "social_secretariat"), ("model", "=", "ir.actions.act_window")]
        )
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        dialogs = actions.filtered(lambda a: a.target == "new")
        self.assertTrue(dialogs)
        for action in dialogs:
            with self.subTest(action=action.xml_id):
                self.assertTrue((action.name or "").strip())
        # the dialogs opened by buttons
        consent = self.make_consent(date_given="2026-01-01")
        referral = self.env["social.referral"].create(
            {
                "person_id": self.person.id,
                "origin_type": "desk",
                "origin_desk_id": self.desk_a.id,
                "target_service_id": self.service_rent.id,
                "target_desk_id": self.desk_b.id,
                "reason": "Sfratto imminente",
                "consent_id": consent.id,
            }
        )
        phone_log = (
            self.env["social.phone.log"]
            .with_user(self.operator_a)
            .create(
                {
                    "desk_id": self.phone_desk.id,
                    "request": "Orari dello sportello",
                    "need_ids": [Command.set(self.need_rent.ids)],
                }
            )
        )
        opened = {
            "close": referral.action_open_close_wizard(),
            "reject": referral.action_open_reject_wizard(),
            "cancel": referral.action_open_cancel_wizard(),
            "book": self.person.action_book_appointment(),
            "phone log": phone_log.action_save_and_new(),
        }
        for what, action in opened.items():
            with self.subTest(action=what):
                self.assertEqual(action["target"], "new")
                self.assertTrue(action.get("name"))
        self.assertEqual(opened["close"]["name"], "Close the referral")

    @freeze_time("2026-03-23 08:10:00")
    def test_calendar_entry_says_who_and_what(self):
        # the entry is named in its organizer's language: Italian here, whatever the defaults
        (self.operator_b | self.env.user).lang = "it_IT"
        appointment = self.book("2026-03-25 09:00", operators=self.operator_b)
        event = appointment.calendar_event_id
        self.assertEqual(event.name, "Appuntamento – Mario Rossi (Informazioni (test))")
        # the organizer reads it; a colleague who is not invited sees "Busy", not the person
        self.env.invalidate_all()
        self.assertEqual(
            event.with_user(self.operator_b).name,
            "Appuntamento – Mario Rossi (Informazioni (test))",
        )
        self.env.invalidate_all()
        self.assertNotIn("Mario Rossi", event.with_user(self.operator_a).name)
        # the topic renamed: the entry follows at the next change
        self.topic.name = "Bonus e contributi (test)"
        appointment._sync_calendar_event()
        self.assertEqual(event.name, "Appuntamento – Mario Rossi (Bonus e contributi (test))")

    @freeze_time("2026-03-23 08:10:00")
    def test_documents_to_bring_read_once(self):
        Document = self.env["social.service.document"]
        Document.create({"service_id": self.service_rent.id, "name": "Carta d'identità"})
        Document.create(
            {"service_id": self.service_sad.id, "name": "carta d'identità ", "note": "valida"}
        )
        Document.create({"service_id": self.service_sad.id, "name": "ISEE"})
        self.topic.service_ids = self.service_rent | self.service_sad
        appointment = self.book("2026-03-25 09:00")
        text = appointment._confirmation_text()
        self.assertEqual(text.lower().count("carta d'identità"), 1, text)
        self.assertIn("(valida)", text)
        self.assertIn("ISEE", text)

    def test_demo_general_topics_at_every_municipality(self):
        """The demo Ambito's five municipalities each have a desk offering the general topics
        (the first interview, bonus information), with free times to book."""
        ref = self.env.ref
        general = ref("social_secretariat.appointment_topic_first_interview_demo") | ref(
            "social_secretariat.appointment_topic_bonus_demo"
        )
        municipalities = self.env["social.municipality"].search(
            [
                (
                    "id",
                    "in",
                    [
                        ref(f"social_secretariat.municipality_{name}_demo").id
                        for name in (
                            "pioltello",
                            "segrate",
                            "vimodrone",
                            "rodano",
                            "cassina_de_pecchi",
                        )
                    ],
                )
            ]
        )
        self.assertEqual(len(municipalities), 5)
        now = fields.Datetime.now()
        for municipality in municipalities:
            desks = self.env["social.desk"].search(
                [("municipality_id", "=", municipality.id), ("kind", "=", "front_office")]
            )
            for topic in general:
                with self.subTest(municipality=municipality.name, topic=topic.name):
                    offered = topic._bookable_desks() & desks
                    self.assertTrue(offered)
                    slots = topic._get_free_slots(
                        offered[:1], now + timedelta(days=2), now + timedelta(days=28)
                    )
                    self.assertTrue(slots, "a desk that offers a topic has times to book")
