from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.social_secretariat.tests.common import SocialCase

from ..models.social_report_session_need import REBUILD_REQUESTED_BY_KEY, SocialReportSessionNeed


@tagged("post_install", "-at_install")
class TestRebuildJob(SocialCase):
    """The coordinator's rebuild runs in the background (minutes on a million sessions, past
    a web request's limit) and tells the coordinator when it is done."""

    def test_the_button_starts_the_job(self):
        observatory = new_test_user(
            self.env, "rebuild_obs", groups="social_secretariat_reports.group_social_observatory"
        )
        Report = self.env["social.report.session.need"]
        with self.assertRaises(AccessError):
            Report.with_user(observatory).action_rebuild()
        with self.assertRaises(AccessError):
            Report.with_user(self.operator_a).action_rebuild()
        cron = self.env.ref("social_secretariat_reports.social_report_rebuild_cron")
        action = Report.with_user(self.coordinator).action_rebuild()
        self.assertEqual(action["params"]["type"], "info")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(REBUILD_REQUESTED_BY_KEY),
            str(self.coordinator.id),
        )

    def test_the_job_counts_and_tells_the_coordinator(self):
        self.make_session(person=self.person)
        Report = self.env["social.report.session.need"]
        before = Report.read_group([], ["contacts"], ["need_id"], lazy=False)
        self.env["ir.config_parameter"].set_param(REBUILD_REQUESTED_BY_KEY, self.coordinator.id)

        def rebuild_here(report):
            # the job's own transactions would wait for this test's, which holds the rows
            # its triggers wrote: the same rebuilds, in the test's transaction
            for model in (
                "social.report.session.need",
                "social.report.contact",
                "social.report.person",
            ):
                report.env[model]._rebuild()
            return 1

        self.env.cr.execute("DELETE FROM social_report_session_need_daily")
        self.env.cr.execute("DELETE FROM social_report_session_need_monthly")
        with patch.object(SocialReportSessionNeed, "_rebuild_all", rebuild_here):
            Report._cron_rebuild()
        self.assertEqual(Report.read_group([], ["contacts"], ["need_id"], lazy=False), before)
        self.env.cr.precommit.run()  # the bus writes its notifications at commit
        notice = self.env["bus.bus"].search(
            [("channel", "like", f'"res.partner",{self.coordinator.partner_id.id}]')],
            order="id desc",
            limit=1,
        )
        self.assertIn("simple_notification", notice.message)
        self.assertFalse(self.env["ir.config_parameter"].get_param(REBUILD_REQUESTED_BY_KEY))
