from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.social_secretariat.tests.common import SocialCase
from odoo.addons.social_secretariat.tests.common_appointment import utc

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestReportUnmetNeed(SocialCase):
    """The catalogue of the Ambito (common.py): rent arrears (a sub-need of economic
    hardship) and elderly alone have a published service, violence an unpublished one.
    Here a sub-need of rent arrears, and housing, which no service of the Ambito serves
    (another Ambito's does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_unmet", groups="social_secretariat_reports.group_social_observatory"
        )
        Need = cls.env["social.need"]
        cls.need_eviction = Need.create(
            {"name": "Eviction (t)", "code": "T.ECO.01.A", "parent_id": cls.need_rent.id}
        )
        cls.need_housing = Need.create(
            {"name": "Housing (t)", "code": "T.CASA", "user_area": "poverty"}
        )
        cls.other_ambito = cls.env["res.company"].create({"name": "Ambito altrove (t)"})
        cls.env["social.service"].create(
            {
                "name": "Housing elsewhere (t)",
                "need_ids": [Command.set(cls.need_housing.ids)],
                "is_published": True,
                "company_id": cls.other_ambito.id,
            }
        )
        session = cls.make_session
        desk = cls.desk_b
        session(desk=desk, date=utc("2026-02-02 10:00"), needs=cls.need_rent)
        session(desk=desk, date=utc("2026-02-03 10:00"), needs=cls.need_economic)
        session(desk=desk, date=utc("2026-02-04 10:00"), needs=cls.need_violence | cls.need_elderly)
        session(desk=desk, date=utc("2026-02-05 10:00"), needs=cls.need_housing)
        session(desk=desk, date=utc("2026-02-06 10:00"), needs=cls.need_eviction)
        # 00:30 on 1 March in Rome: still February in UTC, March at the desk
        session(desk=desk, date=utc("2026-03-01 00:30"), needs=cls.need_housing)
        session(desk=desk, date=utc("2026-03-10 10:00"), needs=cls.need_housing)
        session(
            desk=desk, date=utc("2026-03-11 10:00"), needs=cls.need_housing, user=cls.operator_b
        ).action_cancel()

    def figures(self, user=None):
        Report = self.env["social.report.unmet.need"].with_user(user or self.env.user)
        return {
            (month, need): contacts
            for month, need, contacts in Report._read_group(
                [("desk_id", "=", self.desk_b.id)], ["date:month", "need_id"], ["contacts:sum"]
            )
        }

    def test_unmet_needs(self):
        self.assertEqual(
            self.figures(self.observatory),
            {
                # the rent service serves a narrower need: economic hardship is unmet
                (FEB, self.need_economic): 1,
                # a service that is not published does not count
                (FEB, self.need_violence): 1,
                # another Ambito's service does not count
                (FEB, self.need_housing): 1,
                (MAR, self.need_housing): 2,
            },
        )

    def test_rows(self):
        rows = self.env["social.report.unmet.need"].search(
            [("desk_id", "=", self.desk_b.id), ("date", "=", MAR)]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows.municipality_id, rows.company_id, rows.user_area, rows.contacts),
            (self.segrate, self.company, "poverty", 2),
        )
        pivot = self.env["social.report.unmet.need"]._bench_pivot(FEB, date(2026, 4, 1))
        self.assertIn((self.need_housing, self.segrate, 3), pivot)

    def test_catalogue_as_it_is_now(self):
        """Publishing a service, or one for a broader need, meets the past needs too; an
        archived service meets none."""
        self.service_cav.is_published = True
        self.env["social.service"].create(
            {
                "name": "Reddito (t)",
                "need_ids": [Command.set(self.need_economic.ids)],
                "is_published": True,
            }
        )
        self.service_rent.active = False
        self.assertEqual(
            self.figures(),
            {(FEB, self.need_housing): 1, (MAR, self.need_housing): 2},
        )
        self.env["social.service"].create(
            {
                "name": "Emergenza abitativa (t)",
                "need_ids": [Command.set(self.need_housing.ids)],
                "is_published": True,
                "company_id": False,
            }
        )
        self.assertEqual(self.figures(), {}, "a service of no Ambito is everyone's")

    def test_matches_the_contacts_by_need(self):
        """The unmet figures are the contacts by need of the needs left unmet."""
        needs = self.env["social.report.session.need"]._read_group(
            [("desk_id", "=", self.desk_b.id)], ["date:month", "need_id"], ["contacts:sum"]
        )
        unmet = {self.need_economic, self.need_violence, self.need_housing}
        self.assertEqual(
            {(month, need): n for month, need, n in needs if need in unmet}, self.figures()
        )

    def test_access(self):
        operator = self.operator_b
        with self.assertRaises(AccessError):
            self.env["social.report.unmet.need"].with_user(operator).search([])
        other = new_test_user(
            self.env,
            "obs_other",
            groups="social_secretariat_reports.group_social_observatory",
            company_id=self.other_ambito.id,
            company_ids=[Command.set(self.other_ambito.ids)],
        )
        self.assertFalse(self.figures(other), "another Ambito's observatory sees nothing")
        self.assertTrue(self.figures(self.coordinator))


@tagged("post_install", "-at_install")
class TestReportUnmetNeedRpc(HttpCase):
    def test_over_json_rpc(self):
        """The observatory reads the figures through the web client's call; an operator
        gets an access error."""
        need = self.env["social.need"].create({"name": "Unserved (t)", "code": "T.NONE"})
        desk = self.env["social.desk"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["social.listening.session"].create(
            {"desk_id": desk.id, "date": "2026-02-02 10:00:00", "need_ids": [Command.set(need.ids)]}
        )
        new_test_user(
            self.env, "obs_rpc", groups="social_secretariat_reports.group_social_observatory"
        )
        new_test_user(self.env, "op_rpc", groups="social_secretariat.group_social_operator")
        params = {
            "model": "social.report.unmet.need",
            "method": "read_group",
            "args": [[("need_id", "=", need.id)], ["contacts:sum"], ["need_id"]],
            "kwargs": {"lazy": False},
        }
        route = "/web/dataset/call_kw/social.report.unmet.need/read_group"
        self.authenticate("obs_rpc", "obs_rpc")
        [group] = self.make_jsonrpc_request(route, params)
        self.assertEqual((group["need_id"][0], group["contacts"]), (need.id, 1))
        self.authenticate("op_rpc", "op_rpc")
        with self.assertRaises(JsonRpcException) as error, mute_logger("odoo.http"):
            self.make_jsonrpc_request(route, params)
        self.assertIn("AccessError", str(error.exception))
