"""The public page of a service links to the booking pages, one link per topic bookable online
about it, with the topic already chosen."""

import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ItalianBrowserMixin
from .common_appointment import AppointmentCase


def book_links(html):
    """The targets of the page's "Book an appointment" links, in page order."""
    tags = re.findall(r"<a\b[^>]*\bo_social_service_book\b[^>]*>", html)
    return [re.search(r'href="([^"]*)"', tag).group(1) for tag in tags]


@tagged("post_install", "-at_install")
class TestServicePageBooking(ItalianBrowserMixin, AppointmentCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the topic (bookable online, at desks A and B) serves the rent service; the home-care
        # service is served only by topics the citizen cannot book online
        cls.topic_pair.service_ids = [Command.set(cls.service_sad.ids)]
        cls.env["social.appointment.topic"].create(
            {
                "name": "Argomento archiviato (test)",
                "is_online_bookable": True,
                "active": False,
                "desk_ids": [Command.set(cls.desk_a.ids)],
                "service_ids": [Command.set(cls.service_sad.ids)],
            }
        )
        cls.citizen = new_test_user(cls.env, "citizen_svc", groups="base.group_portal")

    def _page(self, service):
        slug = self.env["ir.http"]._slug(service)
        response = self.url_open(f"/social/services/{slug}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_link_on_a_service_served_by_a_bookable_topic(self):
        html = self._page(self.service_rent)
        self.assertEqual(book_links(html), [f"/social/book/desk?topic={self.topic.id}"])
        self.assertIn(self.topic.name, html)

    def test_one_link_per_topic(self):
        other = self.topic.copy({"name": "Altro argomento (test)"})
        html = self._page(self.service_rent)
        self.assertCountEqual(
            book_links(html),
            [f"/social/book/desk?topic={self.topic.id}", f"/social/book/desk?topic={other.id}"],
        )
        self.assertIn("Altro argomento (test)", html)

    def test_no_link_without_a_bookable_topic(self):
        # topics not bookable online, or archived
        self.assertEqual(book_links(self._page(self.service_sad)), [])
        # a bookable topic without a desk to book at leads nowhere: no link either
        self.topic.desk_ids = [Command.clear()]
        self.assertEqual(book_links(self._page(self.service_rent)), [])

    def test_link_leads_to_the_booking_with_the_topic_chosen(self):
        (url,) = book_links(self._page(self.service_rent))
        # a visitor is asked to log in first, and comes back to the same page
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertIn("redirect=", response.headers["Location"])
        # a citizen lands on step 2 of the booking: the topic chosen, the desks to choose from
        self.authenticate("citizen_svc", "citizen_svc")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-step="2"', response.text)
        self.assertIn(self.topic.name, response.text)
        self.assertIn(
            f"/social/book/day?topic={self.topic.id}&amp;desk={self.desk_a.id}", response.text
        )

    def test_demo_service_served_by_a_demo_topic(self):
        topic = self.env.ref("social_secretariat.appointment_topic_bonus_demo")
        service = self.env.ref("social_secretariat.service_contributo_affitto_demo")
        self.assertTrue(topic.is_online_bookable)
        self.assertIn(service, topic.service_ids)
        self.assertIn(f"/social/book/desk?topic={topic.id}", book_links(self._page(service)))
