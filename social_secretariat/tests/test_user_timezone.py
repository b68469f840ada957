"""Citizens who sign up, and portal users granted by staff, come without a time zone: they get
the Ambito's, so that their pages say the times of the desk ("Data di invio" was an hour off
the messages when it was UTC)."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUserTimezone(HttpCase):
    def _portal_user(self, login, **vals):
        return (
            self.env["res.users"]
            .with_context(tz=False, no_reset_password=True)
            .create(
                dict(
                    {
                        "name": "Lucia Neri",
                        "login": login,
                        "password": login,
                        "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
                    },
                    **vals,
                )
            )
        )

    def test_new_users_get_the_ambitos_zone(self):
        ambito_tz = self.env.company.resource_calendar_id.tz or "Europe/Rome"
        self.assertEqual(self._portal_user("tz_citizen").tz, ambito_tz)
        # a zone given (by the user, by the browser, by staff) is kept
        self.assertEqual(self._portal_user("tz_lisbon", tz="Europe/Lisbon").tz, "Europe/Lisbon")

    def test_request_sent_time_in_the_citizens_zone(self):
        citizen = self._portal_user("tz_request")
        # sudo: as the portal controller creates it (staff fields set by the server)
        record = (
            self.env["social.online.request"]
            .with_user(citizen)
            .sudo()  # sudo: as the portal's own write
            .create(
                {
                    "subject": "Bollette arretrate",
                    "message": "Non riesco a pagare le bollette.",
                    "partner_id": citizen.partner_id.id,
                }
            )
        )
        # sent at 09:30 UTC, a winter day: 10:30 in Italy
        self.env.cr.execute(
            "UPDATE social_online_request SET create_date = '2026-03-10 09:30:00' WHERE id = %s",
            [record.id],
        )
        self.authenticate("tz_request", "tz_request")
        page = self.url_open(f"/my/social/requests/{record.id}").text
        self.assertIn("10:30", page)
        self.assertNotIn("09:30", page)
