from odoo import Command, fields
from odoo.tests import tagged

from .common import SocialCase

# Creating a session with three needs and two operators, flush included: sequence, insert,
# relation rows, stored computes (special category, where/by whom the person was met),
# chatter (creation message, followers) and the follow-up bookkeeping.
MAX_QUERIES = 30


@tagged("post_install", "-at_install")
class TestSessionQueryCount(SocialCase):
    """The cost of creating a session is fixed: it must not grow with the size of the
    database (bench/ measures it on a million sessions)."""

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

    def count_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.create_session()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_create_session_query_count(self):
        self.make_session(person=self.person, user=self.operator_a)  # the person is met at desk A
        for _i in range(3):  # warm up: caches, the person's followers, the sequence
            self.create_session()
        first = self.count_queries()
        for _i in range(30):
            self.create_session()
        self.assertLessEqual(self.count_queries(), first, "more sessions, no more queries")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=MAX_QUERIES):
            self.create_session()
            self.env.flush_all()
