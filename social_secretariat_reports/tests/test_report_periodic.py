import html
import io
import re

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.pdf import PdfFileReader

from odoo.addons.social_secretariat.tests.common import SocialCase

from ..tools import svg_chart

REPORT = "social_secretariat_reports.social_report_periodic_report_action"


def text_of(page):
    """The words of a rendered page: without tags, on one line."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


@tagged("post_install", "-at_install")
class TestReportPeriodic(SocialCase):
    """2021 (a year the demo data leaves empty): three sessions at the desk of Pioltello,
    one at Segrate's, a cancelled one; a referral from Pioltello answered in 5 hours and
    closed in 50."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.observatory = new_test_user(
            cls.env,
            "obs_periodic",
            groups="social_secretariat_reports.group_social_observatory",
            lang="it_IT",
        )
        Population = cls.env["social.municipality.population"]
        Population.create(
            [
                {
                    "municipality_id": cls.pioltello.id,
                    "reference_date": "2021-01-01",
                    "residents": 10000,
                },
                {
                    "municipality_id": cls.segrate.id,
                    "reference_date": "2021-01-01",
                    "residents": 5000,
                },
            ]
        )
        rent, elderly = cls.need_rent, cls.need_elderly
        for when, desk, needs in (
            ("2021-03-10 09:00:00", cls.desk_a, rent),
            ("2021-03-11 09:00:00", cls.desk_a, rent | elderly),
            ("2021-05-03 09:00:00", cls.desk_a, elderly),
            ("2021-04-01 09:00:00", cls.desk_b, rent),
            ("2021-04-02 09:00:00", cls.desk_a, rent),  # cancelled below
        ):
            with freeze_time(when):
                session = cls.make_session(desk=desk, person=cls.person, needs=needs)
        session.action_cancel()
        cls.consent = consent = cls.make_consent(date_given="2021-01-01")
        with freeze_time("2021-03-02 09:00:00"):
            cls.referral = cls.env(user=cls.operator_a)["social.referral"].create(
                {
                    "person_id": cls.person.id,
                    "origin_type": "desk",
                    "origin_desk_id": cls.desk_a.id,
                    "target_service_id": cls.service_rent.id,
                    "target_desk_id": cls.desk_b.id,
                    "reason": "Sfratto imminente",
                    "consent_id": consent.id,
                    "receiving_user_ids": [Command.set(cls.worker.ids)],
                }
            )
            cls.referral.action_send()
        with freeze_time("2021-03-02 14:00:00"):
            cls.referral.with_user(cls.worker).action_accept()
        with freeze_time("2021-03-04 11:00:00"):
            cls.referral.with_user(cls.worker).action_close("service_activated")

    def wizard(self, user=None, **values):
        Wizard = self.env["social.report.periodic"].with_user(user or self.observatory)
        return Wizard.create({"period": "year", "year": 2021, **values})

    def html(self, wizard):
        env = wizard.env(context=dict(wizard.env.context, lang="it_IT"))
        env.invalidate_all()
        page, kind = env["ir.actions.report"]._render_qweb_html(REPORT, wizard.ids)
        self.assertEqual(kind, "html")
        return text_of(page.decode())

    # ------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------

    def test_figures_of_the_ambito(self):
        figures = self.wizard()._figures()
        self.assertEqual(figures["sessions"], 4)
        self.assertEqual(figures["need_pairs"], 5)
        # one person, first seen in the Ambito in March 2021
        self.assertEqual(figures["persons"], {"persons": 1, "new": 1, "returning": 0})
        self.assertEqual(figures["top_needs"][0], (self.need_rent.display_name, 3))
        self.assertEqual(figures["top_needs"][1], (self.need_elderly.display_name, 2))
        trend = dict(figures["trend"])
        self.assertEqual(len(trend), 12)
        self.assertEqual([trend[m] for m in sorted(trend)][2:5], [2, 1, 1])
        rates = {row["municipality"]: row for row in figures["rates"]}
        self.assertEqual(rates[self.pioltello]["count"], 3)
        self.assertAlmostEqual(rates[self.pioltello]["rate"], 0.3)
        self.assertAlmostEqual(rates[self.segrate]["rate"], 0.2)
        self.assertEqual(figures["referrals"], 1)
        self.assertAlmostEqual(figures["hours_to_acknowledge"], 5.0)
        self.assertAlmostEqual(figures["hours_to_close"], 50.0)
        self.assertEqual(figures["referrals_overdue"], 0)
        self.assertEqual(figures["overdue_share"], 0.0)
        desks = {row["desk"]: row["contacts"] for row in figures["desks"]}
        self.assertEqual(desks, {self.desk_a: 3, self.desk_b: 1})

    def test_contacts(self):
        """A second session of the person at the same desk on the same day: one more session,
        the same contacts (from the contacts' analysis)."""
        with freeze_time("2021-03-10 15:00:00"):
            self.make_session(desk=self.desk_a, person=self.person, channel="phone")
        figures = self.wizard()._figures()
        self.assertEqual((figures["sessions"], figures["contacts"]), (5, 4))
        trend = dict(figures["trend"])
        self.assertEqual([trend[m] for m in sorted(trend)][2:5], [2, 1, 1])
        rates = {row["municipality"]: row for row in figures["rates"]}
        self.assertEqual(rates[self.pioltello]["count"], 3)
        # who turned up, channel and outcome count sessions
        self.assertEqual(sum(count for __, count in figures["relations"]), 5)
        channels = self.env["social.report.contact"]._fields["channel"]
        phone = dict(channels._description_selection(self.env))["phone"]
        self.assertIn((phone, 1), figures["channels"])

    def test_unmet_needs(self):
        """Violence has no published service (its centre is not published): unmet; rent and
        elderly have theirs."""
        self.assertEqual(self.wizard()._figures()["unmet"], [])
        with freeze_time("2021-06-10 09:00:00"):
            self.make_session(desk=self.desk_b, needs=self.need_violence)
        figures = self.wizard()._figures()
        self.assertEqual(figures["unmet"], [(self.need_violence.display_name, 1)])
        self.assertIn(self.need_violence.display_name, self.html(self.wizard()))

    def test_quick_choices(self):
        wizard = self.wizard(period="quarter_2")
        self.assertEqual((str(wizard.date_from), str(wizard.date_to)), ("2021-04-01", "2021-06-30"))
        self.assertEqual(wizard._figures()["sessions"], 2)
        wizard = self.wizard(period="half_1")
        self.assertEqual(str(wizard.date_to), "2021-06-30")
        with self.assertRaises(ValidationError):
            self.wizard(period="custom", date_from="2021-03-05", date_to="2021-06-30")

    def test_default_is_the_last_full_year(self):
        with freeze_time("2026-12-01 10:00:00"):
            wizard = self.env["social.report.periodic"].with_user(self.observatory).create({})
        self.assertEqual((str(wizard.date_from), str(wizard.date_to)), ("2025-01-01", "2025-12-31"))

    def test_scope_one_municipality(self):
        figures = self.wizard(scope="municipality", municipality_id=self.segrate.id)._figures()
        self.assertEqual(figures["sessions"], 1)
        self.assertEqual(figures["top_needs"], [(self.need_rent.display_name, 1)])
        self.assertEqual([row["desk"] for row in figures["desks"]], [self.desk_b])
        self.assertEqual([row["municipality"] for row in figures["rates"]], [self.segrate])
        self.assertAlmostEqual(figures["rate"], 0.2)
        # the referral left from Pioltello's desk
        self.assertEqual(figures["referrals"], 0)
        text = self.html(self.wizard(scope="municipality", municipality_id=self.segrate.id))
        self.assertNotIn(self.desk_a.name, text)
        self.assertNotIn("10.000", text)  # Pioltello's residents
        self.assertIn(self.desk_b.name, text)
        self.assertIn("5.000", text)

    def test_partner_network(self):
        """A session at a partner desk and a referral sent by a partner organisation: with the
        network addon, its section counts them; without it, there is none."""
        partner_desk = self.env["social.desk"].create(
            {
                "name": "Sportello Caritas (test)",
                "kind": "partner",
                "municipality_id": self.segrate.id,
                "operator_ids": [Command.set(self.operator_b.ids)],
            }
        )
        with freeze_time("2021-06-01 09:00:00"):
            self.make_session(desk=partner_desk, person=self.person)
            caritas = self.env["res.partner"].create({"name": "Caritas (t)", "is_company": True})
            referral = self.env(user=self.operator_a)["social.referral"].create(
                {
                    "person_id": self.person.id,
                    "origin_type": "partner",
                    "origin_partner_id": caritas.id,
                    "target_service_id": self.service_rent.id,
                    "target_desk_id": self.desk_b.id,
                    "reason": "Segnalato dalla Caritas",
                    "consent_id": self.consent.id,
                    "receiving_user_ids": [Command.set(self.worker.ids)],
                }
            )
            referral.action_send()
        figures = self.wizard()._figures()
        self.assertEqual(figures["sessions"], 5)
        if "social.network.member" not in self.env:
            self.assertIsNone(figures["network"])
            return
        network = figures["network"]
        self.assertEqual((network["partner_desk_sessions"], network["partner_referrals"]), (1, 1))
        self.assertEqual((network["partner_contacts"], network["digital_acts"]), (0, 0))
        self.assertIn("Caritas", self.html(self.wizard()))

    def test_municipality_of_the_ambito_required(self):
        with self.assertRaises(ValidationError):
            self.wizard(scope="municipality")
        other = self.env["res.company"].create({"name": "Altro Ambito (t)"})
        elsewhere = self.env["social.municipality"].create(
            {"name": "Altrove", "istat_code": "999999", "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            self.wizard(scope="municipality", municipality_id=elsewhere.id)
        # an Ambito that is not the user's
        with self.assertRaises(ValidationError):
            self.wizard(company_id=other.id)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_observatory_prints(self):
        wizard = self.wizard()
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "qweb-pdf")
        text = self.html(wizard)
        self.assertIn("Ambito", text)
        self.assertIn(self.need_rent.display_name, text)
        self.assertIn("50,0", text)  # hours to close, the Italian way
        self.assertIn("mar 21", text)  # the trend's months in Italian
        # no person of the data set
        self.assertNotIn("Rossi", text)
        self.assertNotIn("Mario", text)

    def test_operator_cannot_print(self):
        with self.assertRaises(AccessError):
            self.wizard(user=self.operator_a)
        wizard = self.wizard()
        with self.assertRaises(AccessError):
            self.env(user=self.operator_a)["ir.actions.report"]._render_qweb_html(
                REPORT, wizard.ids
            )

    def test_another_users_wizard(self):
        wizard = self.wizard()
        with self.assertRaises(AccessError):
            self.env(user=self.coordinator)["ir.actions.report"]._render_qweb_html(
                REPORT, wizard.ids
            )

    def test_coordinator_prints(self):
        figures = self.wizard(user=self.coordinator)._figures()
        self.assertEqual(figures["sessions"], 4)

    # ------------------------------------------------------------
    # The PDF
    # ------------------------------------------------------------

    def test_pdf(self):
        """A real PDF from wkhtmltopdf, its text read back with the figures."""
        wizard = self.wizard()
        report = wizard.env["ir.actions.report"].with_context(
            lang="it_IT", force_report_rendering=True
        )
        pdf, kind = report._render_qweb_pdf(REPORT, wizard.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(pdf))
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
        self.assertIn(self.need_rent.name, text)
        self.assertIn("50,0", text)
        self.assertIn("5,0", text)

    def test_charts_are_svg_with_their_figures(self):
        chart = svg_chart.horizontal_bar_chart([("Affitto <a>", 3), ("Anziani", 2)], "Bisogni")
        self.assertIn("<title>Bisogni</title>", chart)
        self.assertIn("Affitto &lt;a&gt;", chart)
        self.assertIn(">3</text>", chart)
        self.assertNotIn("<script", chart)
        line = svg_chart.line_chart([("gen", 0), ("feb", 4.5)], "Andamento")
        self.assertIn(">4.5</text>", line)
        self.assertIn("<polyline", line)
        self.assertEqual(str(svg_chart.bar_chart([], "Vuoto")), "")


@tagged("post_install", "-at_install")
class TestReportPeriodicHttp(HttpCase):
    """Over the web client's own calls: the observatory prints, an operator does not, nor
    opens the observatory's report."""

    def call(self, model, method, *args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )

    def test_print_over_http(self):
        new_test_user(
            self.env,
            "obs_periodic_http",
            groups="social_secretariat_reports.group_social_observatory",
        )
        new_test_user(
            self.env, "op_periodic_http", groups="social_secretariat.group_social_operator"
        )
        self.authenticate("obs_periodic_http", "obs_periodic_http")
        wizard_id = self.call("social.report.periodic", "create", {"period": "year", "year": 2021})
        action = self.call("social.report.periodic", "action_print", [wizard_id])
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertTrue(action["close_on_report_download"])
        url = f"/report/html/{action['report_name']}/{wizard_id}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_social_periodic_report", response.text)
        self.authenticate("op_periodic_http", "op_periodic_http")
        with self.assertRaises(JsonRpcException):
            self.call("social.report.periodic", "create", {"period": "year", "year": 2021})
        response = self.url_open(url)
        self.assertNotIn("o_social_periodic_report", response.text)
