from odoo import Command, fields
from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestSessionQueryCount(SocialCase):
    """Creating a session with three needs and two operators costs a fixed number of
    queries: it must not grow with the size of the database (see bench/)."""

    def create_session(self):
        return (
            self.env["social.listening.session"]
            .with_user(self.operator_a)
            .create(
                {
                    "desk_id": self.desk_a.id,
                    "person_id": self.person.id,
                    "date": fields.Datetime.now(),
                    "request": "Richiesta",
                    "need_ids": [
                        Command.set((self.need_rent | self.need_elderly | self.need_economic).ids)
                    ],
                    "operator_ids": [Command.set((self.operator_a | self.worker).ids)],
                    "outcome": "information",
                }
            )
        )

    def test_create_session_query_count(self):
        self.create_session()  # warm the caches (sequence, rules, translations)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=25):
            self.create_session()
            self.env.flush_all()
        # more data does not make it more expensive
        for _i in range(30):
            self.create_session()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=25):
            self.create_session()
            self.env.flush_all()
