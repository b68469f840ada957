from datetime import datetime

from lxml import html

from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_date

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestPersonTimeline(SocialCase):
    """The timeline of a file (views/social_person_timeline_templates.xml)."""

    def lines(self, user):
        """The text of each line of the timeline, as `user` reads it."""
        person = self.person.with_user(user)
        person.invalidate_recordset(["timeline_html"])
        tree = html.fromstring(str(person.timeline_html))
        return [" ".join(li.text_content().split()) for li in tree.iter("li")]

    def day(self, value):
        return format_date(self.env, value)

    def test_empty_timeline(self):
        self.assertIn("No contact recorded yet.", self.person.timeline_html)
        self.assertNotIn("<li", self.person.timeline_html)

    def test_sessions_referrals_consents_newest_first(self):
        consent = self.make_consent(date_given="2026-01-10")
        old = self.make_session(person=self.person, date=datetime(2026, 1, 5, 10, 0))
        new = self.make_session(
            person=self.person,
            date=datetime(2026, 1, 10, 9, 0),
            needs=self.need_elderly | self.need_rent,
        )
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
        referral_day = referral.create_date.date()
        channel = dict(old._fields["channel"]._description_selection(self.env))[old.channel]
        needs_new = ", ".join(new.need_ids.mapped("name"))
        expected = [
            f"{self.day(referral_day)} {referral.name} · Referral → Contributo affitto (t) — Draft",
            f"{self.day(new.date.date())} {new.name} · Sportello Pioltello (test) · {channel} — "
            f"{needs_new}",
            f"{self.day(consent.date_given)} Consent · Processing to access the services — Valid",
            f"{self.day(old.date.date())} {old.name} · Sportello Pioltello (test) · {channel} — "
            "Rent arrears (t)",
        ]
        self.assertEqual(self.lines(self.operator_a), expected)

    def test_reader_sees_only_what_they_may_read(self):
        special = self.make_session(
            person=self.person, needs=self.need_violence, user=self.worker, request="Violenza"
        )
        channel = dict(special._fields["channel"]._description_selection(self.env))[special.channel]
        reserved = (
            f"{self.day(special.date.date())} Session · Sportello Pioltello (test) · {channel} — "
            "Reserved content"
        )
        self.assertEqual(self.lines(self.operator_a), [reserved])
        self.assertNotIn(special.name, self.person.with_user(self.operator_a).timeline_html)
        italian = self.person.with_user(self.operator_a).with_context(lang="it_IT")
        self.assertIn("Contenuto riservato", italian.timeline_html)
        self.assertEqual(
            self.lines(self.worker),
            [reserved.replace("Session", special.name).replace("Reserved content", "Violence (t)")],
        )

    def test_session_text_is_escaped(self):
        script = "<script>alert('x')</script> & <b>bold</b>"
        # no needs: the timeline shows the request as the person put it
        self.make_session(person=self.person, request=script, need_ids=[Command.clear()])
        timeline = str(self.person.timeline_html)
        self.assertNotIn("<script", timeline)
        self.assertNotIn("<b>bold", timeline)
        self.assertIn("&lt;script&gt;", timeline)
        self.assertEqual(self.lines(self.operator_a)[0].split(" — ")[-1], script)
