import io
import json

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .common_appointment import AppointmentCase, utc
from .test_reports import text_of

REPORT = "social_secretariat.social_person_subject_data_report_action"


@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
@tagged("post_install", "-at_install")
class TestSubjectDataPdf(AppointmentCase):
    """The answer to a data-subject access request: printed for the person to read (labels,
    local times, in their language) and as a portable file; for a coordinator who reads the
    file, or for the person themselves, nobody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.person.is_homeless = True
        # Monday 16 March 2026, 10:00 in Rome (09:00 UTC)
        cls.session = cls.make_session(
            person=cls.person,
            date=utc("2026-03-16 10:00"),
            channel="in_person",
            request="Non riesco a pagare l'affitto di marzo",
            outcome="orientation",
        ).with_env(cls.env)
        cls.session.confidential_notes = "Nota riservata: debiti di gioco"
        cls.make_consent(date_given="2026-01-15")
        cls.citizen = new_test_user(
            cls.env,
            "citizen_sd",
            groups="base.group_portal",
            name="Mario Rossi (portal)",
            partner_id=cls.person.partner_id.id,
        )
        cls.other_citizen = new_test_user(
            cls.env, "citizen_other_sd", groups="base.group_portal", name="Anna Other"
        )

    def env_of(self, user, lang="it_IT"):
        # a real PDF, not the HTML that tests otherwise get from wkhtmltopdf's place
        context = dict(self.env.context, lang=lang, force_report_rendering=True)
        env = self.env(user=user, context=context)
        env.invalidate_all()
        return env

    def html(self, user, lang="it_IT"):
        env = self.env_of(user, lang)
        content, kind = env["ir.actions.report"]._render_qweb_html(REPORT, self.person.ids)
        self.assertEqual(kind, "html")
        return text_of(content.decode())

    def test_report_in_italian_with_labels_and_local_times(self):
        text = self.html(self.coordinator)
        for expected in (
            "Codice fiscale",  # the field's label, in Italian
            "RSSMRA80C15G686K",
            "Data di nascita",
            "15 marzo 1980",
            "Senza dimora",
            "Canale",
            "Di persona",  # the channel's label, not its code
            "16 marzo 2026, 10:00",  # the desk's time, not 09:00 UTC
            "Non riesco a pagare l'affitto di marzo",
            "Nota riservata: debiti di gioco",  # a coordinator hands over everything
            "15 gennaio 2026",  # the consent
            self.desk_a.name,
            "Operator A",
            self.env.company.name,  # the data controller
            "23 marzo 2026, 09:10",  # extracted now, Italian time
            "Garante",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("09:00", text)
        self.assertIn("Maschio", text)
        for code in ("in_person", "orientation", "male", "resident"):
            self.assertNotIn(f" {code} ", f" {text} ", "a selection's code, not its label")

    def test_report_only_for_a_coordinator_who_reads_the_file(self):
        # Operator A reads the file (her desk) but does not hand over the whole file
        with self.assertRaises(UserError):
            self.html(self.operator_a)
        # Operator B reads neither the file nor its sessions
        with self.assertRaises(UserError):  # an AccessError is one too
            self.html(self.operator_b)
        with self.assertRaises(UserError):  # an AccessError is one too
            self.html(self.other_citizen)
        with self.assertRaises(UserError):  # an AccessError is one too
            self.env_of(self.operator_b)["social.person.subject.data"]._export_pdf(self.person)

    def test_a_real_pdf_renders_and_is_logged(self):
        env = self.env_of(self.coordinator)
        name, pdf = env["social.person.subject.data"]._export_pdf(self.person)
        self.assertTrue(name.endswith(".pdf"))
        self.assertNotIn("RSSMRA", name, "the file name carries no identifier")
        self.assertGreater(len(PdfFileReader(io.BytesIO(pdf)).pages), 0)
        logs = self.env["social.person.access.log"].search(
            [("person_id", "=", self.person.id), ("event", "=", "subject_access")]
        )
        self.assertEqual(logs.user_id, self.coordinator)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "social.person"), ("res_id", "=", self.person.id)]
            ),
            "nothing stored where readers of the file could find it",
        )

    def test_json_is_portable(self):
        env = self.env_of(self.coordinator)
        _name, text = env["social.person.subject.data"]._export_json(self.person)
        data = json.loads(text)
        self.assertEqual(data["format"], "social-secretariat.subject-data")
        self.assertEqual(data["generated_at"], "2026-03-23T09:10:00+01:00")
        self.assertEqual(data["controller"]["name"], self.env.company.name)
        self.assertEqual(data["person"]["fiscal_code"], "RSSMRA80C15G686K")
        self.assertEqual(data["person"]["birth_date"], "1980-03-15")
        self.assertEqual(data["person"]["gender"]["code"], "male")
        self.assertIs(data["person"]["is_homeless"], True)
        self.assertEqual(data["labels"]["person"]["fiscal_code"], "Codice fiscale")
        (session,) = data["sessions"]
        self.assertEqual(session["date"], "2026-03-16T10:00:00+01:00")
        self.assertEqual(session["channel"], {"code": "in_person", "label": "Di persona"})
        self.assertEqual(session["desk_id"], self.desk_a.name)
        self.assertEqual(session["operator_ids"], ["Operator A"])
        self.assertEqual(session["confidential_notes"], "Nota riservata: debiti di gioco")
        self.assertEqual(data["consents"][0]["purpose"]["code"], "services")
        self.assertIn("user_id", data["access_log"][0], "the coordinator has who read the file")

    def test_the_person_has_their_own_data_without_staff_notes(self):
        subject_data = self.env_of(self.citizen)["social.person.subject.data"]
        person = self.person.with_env(subject_data.env)
        _name, text = subject_data._export_json(person)
        data = json.loads(text)
        self.assertEqual(data["person"]["fiscal_code"], "RSSMRA80C15G686K")
        self.assertEqual(data["sessions"][0]["request"], "Non riesco a pagare l'affitto di marzo")
        self.assertNotIn("confidential_notes", data["sessions"][0])
        self.assertNotIn("debiti di gioco", text)
        self.assertTrue(data["access_log"])
        self.assertNotIn("user_id", data["access_log"][0], "not which employee read the file")
        _name, pdf = subject_data._export_pdf(person)
        self.assertGreater(len(PdfFileReader(io.BytesIO(pdf)).pages), 0)
        text = self.html(self.citizen)
        self.assertIn("Non riesco a pagare l'affitto di marzo", text)
        self.assertNotIn("debiti di gioco", text)
        # another citizen has nothing of it
        other = self.env_of(self.other_citizen)["social.person.subject.data"]
        with self.assertRaises(UserError):  # an AccessError is one too
            other._export_json(self.person.with_env(other.env))
        with self.assertRaises(UserError):  # an AccessError is one too
            other._export_pdf(self.person.with_env(other.env))
        # a context key unlocks nothing
        with self.assertRaises(UserError):  # an AccessError is one too
            other.with_context(own=True, active_test=False)._export_json(self.person)

    def test_staff_buttons(self):
        person = self.person.with_user(self.coordinator)
        self.assertEqual(
            person.action_print_subject_data()["url"],
            f"/social/person/{self.person.id}/subject-data/pdf",
        )
        with self.assertRaises(UserError):
            self.person.with_user(self.worker).action_print_subject_data()
