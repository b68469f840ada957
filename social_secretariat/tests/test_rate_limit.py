"""Throttling stored in the database: failed logins per login and per address, booking
attempts and online requests per citizen, sign-ups per address."""

import uuid
from types import SimpleNamespace
from unittest.mock import patch

from odoo.exceptions import AccessDenied
from odoo.tests import new_test_user, tagged

from ..models import res_users as res_users_module
from ..models.social_rate_limit import RateLimited
from .common import SocialCase


class RealCursorCleanup:
    """Login failures and booking attempts are committed on a cursor of their own (they must
    survive the rollback of the request): the tests use unique logins and addresses and delete
    what they wrote at the end."""

    def setUp(self):
        super().setUp()
        self.subjects = []
        self.addCleanup(self._forget_subjects)

    def _forget_subjects(self):
        self.env["social.rate.limit"]._forget(kinds=self.subjects)

    def subject(self, kind, value):
        self.subjects.append((kind, value))
        return value

    def stored_events(self, kind, value):
        """The events of a subject, read on a new cursor: what any other worker sees."""
        Limit = self.env["social.rate.limit"]
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM social_rate_limit WHERE key = %s", [Limit._key(kind, value)]
            )
            return cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestLoginThrottle(RealCursorCleanup, SocialCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        self.victim = self.subject("login_user", f"victim_{tag}")
        self.attacker = self.subject("login_user", f"attacker_{tag}")
        # a documentation address (RFC 5737), unique to the test run
        self.address = self.subject("login_address", f"192.0.2.{int(tag[:2], 16)}#{tag}")
        self.other_address = self.subject("login_address", f"198.51.100.7#{tag}")

    def attempt(self, login, success, address=None):
        """One login as _login runs it: its own transaction (here a savepoint), rolled back
        when the password is wrong. AccessDenied when refused."""
        fake = SimpleNamespace(
            httprequest=SimpleNamespace(remote_addr=address or self.address), env=self.env
        )
        with patch.object(res_users_module, "request", fake):
            with self.env.cr.savepoint():
                with self.env["res.users"]._assert_can_auth(user=login):
                    if not success:
                        raise AccessDenied()

    def fail(self, login, times=1, address=None):
        for _i in range(times):
            with self.assertRaises(AccessDenied) as caught:
                self.attempt(login, False, address)
            # a wrong password, not yet the throttle
            self.assertEqual(caught.exception.args, AccessDenied().args)

    def assertRefused(self, login, address=None):
        with self.assertRaisesRegex(AccessDenied, r"try again in \d+ minutes") as caught:
            self.attempt(login, True, address)
        return caught.exception

    def test_failures_per_login_from_any_address(self):
        self.fail(self.victim, 3)
        self.fail(self.victim, 2, address=self.other_address)
        # the right password too is refused now, from any address
        self.assertRefused(self.victim)
        self.assertRefused(self.victim, address=self.other_address)
        # another account from the same address is not locked by the victim's failures
        self.attempt(self.attacker, True)

    def test_stored_in_the_database_despite_the_rollback(self):
        self.fail(self.victim, 2)
        # every failed attempt is in the table, visible to every worker (a new cursor), though
        # the login's own transaction was rolled back each time
        self.assertEqual(self.stored_events("login_user", self.victim), 2)
        self.assertEqual(self.stored_events("login_address", self.address), 2)
        # Odoo's own per-process counter plays no part
        self.registry.__dict__.pop("_login_failures", None)
        self.fail(self.victim, 3)
        self.assertRefused(self.victim)
        # nothing in the clear: login and address are hashed
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM social_rate_limit WHERE key LIKE %s OR key LIKE %s",
                [f"%{self.victim}%", f"%{self.address}%"],
            )
            self.assertEqual(cr.fetchone()[0], 0)

    def test_success_of_another_account_does_not_reset(self):
        self.fail(self.victim, 4)
        # the attacker logs into their own account between guesses, from the same address
        self.attempt(self.attacker, True)
        self.fail(self.victim, 1)
        self.assertRefused(self.victim)

    def test_own_success_clears_own_failures_only(self):
        self.fail(self.victim, 4)
        self.attempt(self.victim, True)
        self.assertEqual(self.stored_events("login_user", self.victim), 0)
        # the address keeps the failures
        self.assertEqual(self.stored_events("login_address", self.address), 4)
        self.fail(self.victim, 4)
        self.attempt(self.victim, True)

    def test_failures_per_address_whatever_the_login(self):
        self.env["ir.config_parameter"].set_param(
            "social_secretariat.rate_limit.login_address.max", "6"
        )
        for i in range(3):
            self.fail(self.subject("login_user", f"{self.victim}_{i}"), 2)
        # any login from this address is refused now, the attacker's own too
        error = self.assertRefused(self.attacker)
        self.assertIn("15 minutes", error.args[0])
        # from another address, the attacker logs in
        self.attempt(self.attacker, True, address=self.other_address)

    def test_limits_are_configurable(self):
        params = self.env["ir.config_parameter"]
        params.set_param("social_secretariat.rate_limit.login_user.max", "2")
        params.set_param("social_secretariat.rate_limit.login_user.minutes", "60")
        self.fail(self.victim, 2)
        self.assertIn("60 minutes", self.assertRefused(self.victim).args[0])
        params.set_param("social_secretariat.rate_limit.login_user.max", "0")  # no limit
        self.attempt(self.victim, True)

    def test_cron_forgets_old_events(self):
        self.fail(self.victim, 5)
        Limit = self.env["social.rate.limit"]
        key = Limit._key("login_user", self.victim)
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE social_rate_limit SET date = date - interval '2 days' WHERE key = %s",
                [key],
            )
        # past the window: allowed again
        self.attempt(self.victim, True, address=self.other_address)
        self.fail(self.victim, 1)
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE social_rate_limit SET date = date - interval '2 days' WHERE key = %s",
                [key],
            )
            # the cron deletes the rows that no window counts any more
            self.env(cr=cr)["social.rate.limit"]._gc_events()
        self.assertEqual(self.stored_events("login_user", self.victim), 0)


@tagged("post_install", "-at_install")
class TestCitizenThrottle(RealCursorCleanup, SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = new_test_user(
            cls.env, "citizen_rl", groups="base.group_portal", name="Carla Limiti"
        )
        cls.other_citizen = new_test_user(
            cls.env, "citizen_rl2", groups="base.group_portal", name="Dario Limiti"
        )
        cls.env["social.desk"].create({"name": "Sportello online (rl)", "kind": "online"})

    def test_booking_attempts_per_person(self):
        self.subject("booking", self.citizen.partner_id.id)
        self.subject("booking", self.other_citizen.partner_id.id)
        Limit = self.env["social.rate.limit"].with_user(self.citizen)
        for _i in range(20):
            Limit._take_booking_attempt()
        with self.assertRaisesRegex(RateLimited, r"try again in \d+ minutes") as caught:
            Limit._take_booking_attempt()
        self.assertTrue(caught.exception.retry_at)
        # server-side: a new session (a new environment) changes nothing
        with self.assertRaises(RateLimited):
            self.env(user=self.citizen)["social.rate.limit"]._take_booking_attempt()
        self.assertEqual(self.stored_events("booking", self.citizen.partner_id.id), 20)
        # another citizen books
        self.env["social.rate.limit"].with_user(self.other_citizen)._take_booking_attempt()

    def request_vals(self, user, subject="Affitto"):
        return {
            "subject": subject,
            "message": "Non riesco a pagare.",
            "partner_id": user.partner_id.id,
        }

    def test_online_requests_per_person(self):
        # the portal creates them with sudo, as the citizen
        Request = self.env["social.online.request"].with_user(self.citizen).sudo()
        Request.create([self.request_vals(self.citizen) for _i in range(5)])
        with self.assertRaisesRegex(RateLimited, r"new request in \d+ hours"):
            Request.create(self.request_vals(self.citizen))
        # the other citizen writes
        self.env["social.online.request"].with_user(self.other_citizen).sudo().create(
            self.request_vals(self.other_citizen)
        )
        # staff recording a request for the citizen are not limited
        self.env["social.online.request"].with_user(self.operator_a).sudo().create(
            self.request_vals(self.citizen)
        )

    def test_signups_per_address(self):
        Limit = self.env["social.rate.limit"]
        for _i in range(5):
            Limit._take_signup("203.0.113.9")
        with self.assertRaisesRegex(RateLimited, r"this connection.*try again in \d+ minutes"):
            Limit._take_signup("203.0.113.9")
        Limit._take_signup("203.0.113.10")
