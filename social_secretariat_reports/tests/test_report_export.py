import base64
import csv
import io
from datetime import date, datetime

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.social_secretariat.tests.common import SocialCase

# contacts by municipality x month in the first quarter of 2020 (before any demo history)
KNOWN = {
    "pioltello": [7, 2, 6],
    "segrate": [6, 8, 9],
}


@tagged("post_install", "-at_install")
class TestReportExport(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_export", groups="social_secretariat_reports.group_social_observatory"
        )
        for desk, counts in ((cls.desk_a, KNOWN["pioltello"]), (cls.desk_b, KNOWN["segrate"])):
            for month, count in enumerate(counts, start=1):
                for __ in range(count):
                    cls.make_session(desk=desk, date=datetime(2020, month, 10, 10))

    def export(self, user, **values):
        wizard = (
            self.env["social.report.export"]
            .with_user(user)
            .create(
                {
                    "date_from": date(2020, 1, 1),
                    "date_to": date(2020, 3, 31),
                    "row_field": "municipality_id",
                    "column_field": "date:month",
                    "file_format": "csv",
                    **values,
                }
            )
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/social.report.export/{wizard.id}/data/", action["url"])
        return base64.b64decode(wizard.data)

    def test_csv_of_a_known_table(self):
        content = self.export(self.observatory).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(content), delimiter=";"))
        self.assertEqual(lines[0][1:4], ["2020-01", "2020-02", "2020-03"])
        self.assertEqual(len(lines[0]), 5)  # the rows' name, three months, the total
        # Pioltello's February (2) is below 5; March (6) hides it in its row, Segrate's
        # February (8) in its column, and Segrate's March (9) March's column in turn
        self.assertEqual(lines[1], ["Pioltello", "7", "<5", "<5", "15"])
        self.assertEqual(lines[2], ["Segrate", "6", "<5", "<5", "23"])
        self.assertEqual(lines[3][1:], ["13", "10", "15", "38"])
        self.assertEqual(lines[4], [])
        notes = " ".join(line[0] for line in lines[5:])
        self.assertIn("<5", notes)  # the method and the threshold (in the file's language)
        self.assertEqual(len(lines), 7)
        # nothing about a person: only the municipalities' names and numbers
        self.assertNotIn(self.person.last_name, content)

    def test_threshold_and_rows(self):
        content = self.export(self.observatory, threshold=7, row_field="desk_id").decode(
            "utf-8-sig"
        )
        lines = list(csv.reader(io.StringIO(content), delimiter=";"))
        # below 7: Pioltello's February and March, Segrate's January; the complements then
        # take the whole of this small table (Segrate's February, Pioltello's January...)
        self.assertEqual(lines[1], [self.desk_a.name, "<7", "<7", "<7", "15"])
        self.assertEqual(lines[2], [self.desk_b.name, "<7", "<7", "<7", "23"])
        self.assertEqual(lines[3][1:], ["13", "10", "15", "38"])
        self.assertIn("<7", lines[6][0])
        with self.assertRaises(ValidationError):
            self.export(self.observatory, threshold=2)

    def test_xlsx(self):
        content = self.export(self.coordinator, file_format="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[1], ["Pioltello", 7, "<5", "<5", 15])
        self.assertEqual(rows[3][1:], [13, 10, 15, 38])

    def test_columns_by_profile(self):
        content = self.export(self.observatory, column_field="gender").decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(content), delimiter=";"))
        # anonymous sessions without a profile: all "unknown", the other genders zero
        self.assertEqual(lines[1][1:], ["0", "0", "0", "15", "15"])
        self.assertEqual(lines[3][1:], ["0", "0", "0", "38", "38"])

    def test_operator_cannot_open_the_wizard(self):
        Export = self.env["social.report.export"].with_user(self.operator_a)
        with self.assertRaises(AccessError):
            Export.create({"date_from": date(2020, 1, 1), "date_to": date(2020, 3, 31)})
        self.assertFalse(Export.has_access("read"))
        menu = self.env.ref("social_secretariat_reports.social_report_export_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, Menu.with_user(self.operator_a)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.observatory)._visible_menu_ids())


@tagged("post_install", "-at_install")
class TestReportExportDownload(HttpCase):
    def test_download_is_the_users_own(self):
        group = "social_secretariat_reports.group_social_observatory"
        observatory = new_test_user(self.env, "obs_dl", groups=group)
        new_test_user(self.env, "obs_dl_other", groups=group)
        wizard = (
            self.env["social.report.export"]
            .with_user(observatory)
            .create({"date_from": date(2020, 1, 1), "date_to": date(2020, 1, 31)})
        )
        url = wizard.action_export()["url"]
        self.authenticate("obs_dl", "obs_dl")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, base64.b64decode(wizard.data))
        # a wizard is its creator's: another user of the same group gets no file
        self.authenticate("obs_dl_other", "obs_dl_other")
        self.assertNotEqual(self.url_open(url).status_code, 200)
