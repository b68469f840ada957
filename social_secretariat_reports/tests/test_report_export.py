import csv
import io
from datetime import date, datetime
from urllib.parse import parse_qsl, urlsplit

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
        # the file comes from the read-only route, from the choices the link carries
        url = urlsplit(action["url"])
        self.assertEqual(url.path, "/social_secretariat_reports/export")
        linked = (
            self.env["social.report.export"]
            .with_user(user)
            ._from_params(dict(parse_qsl(url.query)))
        )
        name, content = linked._export_file()
        self.assertEqual(name, f"osservatorio_2020-01-01_2020-03-31.{wizard.file_format}")
        return content

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
    def test_download_reads_as_the_user(self):
        group = "social_secretariat_reports.group_social_observatory"
        observatory = new_test_user(self.env, "obs_dl", groups=group)
        new_test_user(self.env, "op_dl", groups="social_secretariat.group_social_operator")
        wizard = (
            self.env["social.report.export"]
            .with_user(observatory)
            .create(
                {"date_from": date(2020, 1, 1), "date_to": date(2020, 1, 31), "file_format": "csv"}
            )
        )
        url = wizard.action_export()["url"]
        self.authenticate("obs_dl", "obs_dl")
        # a read-only transaction (as on a replica): a write would be retried on the
        # primary with a warning
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, wizard._export_file()[1])
        self.assertIn(
            "osservatorio_2020-01-01_2020-01-31.csv", response.headers["Content-Disposition"]
        )
        # the link is checked as the form is: no threshold below 3, no inverted period
        self.assertEqual(self.url_open(url.replace("threshold=5", "threshold=2")).status_code, 400)
        bad_period = url.replace("date_to=2020-01-31", "date_to=2019-01-31")
        self.assertEqual(self.url_open(bad_period).status_code, 400)
        self.assertEqual(self.url_open(url.replace("row_field=", "row_field=x")).status_code, 400)
        # an operator gets no file, an anonymous visitor the login page
        self.authenticate("op_dl", "op_dl")
        self.assertEqual(self.url_open(url).status_code, 403)
        self.authenticate(None, None)
        response = self.url_open(url, allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
