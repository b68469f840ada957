import html
import io
import re
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .common_appointment import AppointmentCase, utc

SESSION_REPORT = "social_secretariat.social_listening_session_report_action"
REFERRAL_REPORT = "social_secretariat.social_referral_report_action"
PERSON_CONSENT_REPORT = "social_secretariat.social_person_consent_report_action"
CONSENT_REPORT = "social_secretariat.social_consent_report_action"
APPOINTMENT_REPORT = "social_secretariat.social_appointment_report_action"
# a date written the Italian way: lower-case weekday and month, as Babel gives them
ITALIAN_DAY = re.compile(
    r"\b(lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica) \d{1,2} "
    r"(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    r"dicembre) \d{4}, \d{2}:\d{2}\b"
)


def text_of(page):
    """The words of a rendered page: without tags, on one line."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
@tagged("post_install", "-at_install")
class TestReports(AppointmentCase):
    """The printed forms, rendered as the user who prints them, in Italian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.desk_a.write({"street": "Via Cattaneo 1", "city": "Pioltello", "phone": "02 111"})
        cls.desk_b.write({"street": "Via I Maggio 1", "city": "Segrate", "phone": "02 222"})
        # a colleague of Operator A at desk A, on none of the sessions below
        cls.colleague = new_test_user(
            cls.env, "op_c", groups="social_secretariat.group_social_operator", name="Operator C"
        )
        cls.desk_a.operator_ids = [Command.link(cls.colleague.id)]
        # Monday 16 March 2026, 10:30 in Rome
        cls.session = cls.make_session(
            person=cls.person,
            user=cls.operator_a,
            date="2026-03-16 09:30:00",
            channel="in_person",
            request="Non riesco a pagare l'affitto di marzo",
            information_given="Spiegato il bando del contributo affitto",
            service_ids=[Command.set(cls.service_rent.ids)],
            interlocutor_name="Carla Rossi",
            interlocutor_relation="family",
            outcome="orientation",
            follow_up_date="2026-04-01",
        ).with_env(cls.env)
        cls.session.confidential_notes = "Nota riservata: debiti di gioco"
        cls.session_special = cls.make_session(
            person=cls.person,
            needs=cls.need_violence,
            user=cls.worker,
            date="2026-03-16 10:00:00",
            request="Violenza domestica",
        ).with_env(cls.env)
        cls.anonymous = cls.make_session(
            anon_age_band="75_plus", anon_municipality_id=cls.segrate.id
        ).with_env(cls.env)

    def html(self, report, records, user=None, lang="it_IT"):
        env = self.env(user=user or self.env.user, context=dict(self.env.context, lang=lang))
        # read as the user, from the database: nothing left in the cache by the setup
        env.invalidate_all()
        content, kind = env["ir.actions.report"]._render_qweb_html(report, records.ids)
        self.assertEqual(kind, "html")
        return text_of(content.decode())

    # ------------------------------------------------------------
    # Scheda di primo contatto
    # ------------------------------------------------------------

    def test_session_report_in_italian(self):
        text = self.html(SESSION_REPORT, self.session, user=self.worker)
        self.assertIn("lunedì 16 marzo 2026, 10:30", text, "desk time, Italian words")
        self.assertIn("Ambito", text)  # the letterhead: the Ambito's name
        for expected in (
            self.session.name,
            self.desk_a.name,
            "Di persona",  # the channel, in Italian
            "Operator A",
            "Mario Rossi",
            "RSSMRA80C15G686K",
            "15 marzo 1980",
            "Carla Rossi",
            "Non riesco a pagare l'affitto di marzo",
            self.need_rent.complete_name,
            "Spiegato il bando del contributo affitto",
            self.service_rent.name,
            "mercoledì 1 aprile 2026",  # the follow-up
            "Nota riservata: debiti di gioco",  # a social worker reads the confidential notes
        ):
            self.assertIn(expected, text)
        # a printed session is a read of the person's file: in the access log
        logged = self.env["social.person.access.log"].search(
            [("person_id", "=", self.person.id), ("user_id", "=", self.worker.id)]
        )
        self.assertIn("report", logged.mapped("event"))

    def test_session_report_hides_confidential_notes_from_an_operator(self):
        text = self.html(SESSION_REPORT, self.session, user=self.operator_a)
        self.assertIn("Non riesco a pagare l'affitto di marzo", text)
        self.assertNotIn("debiti di gioco", text)

    def test_special_category_session_not_printed_for_the_desk(self):
        # a colleague at the desk may not read a special-category session held by others:
        # nothing of it prints
        with self.assertRaises(AccessError):
            self.html(SESSION_REPORT, self.session_special, user=self.colleague)
        with self.assertRaises(AccessError):
            self.html(SESSION_REPORT, self.session_special, user=self.operator_a)
        text = self.html(SESSION_REPORT, self.session_special, user=self.worker)
        self.assertIn("Violenza domestica", text)
        self.assertIn(self.need_violence.name, text)

    def test_session_report_anonymous_profile(self):
        text = self.html(SESSION_REPORT, self.anonymous, user=self.operator_a)
        self.assertIn("Segrate", text)
        self.assertIn("75 e oltre", text)
        self.assertNotIn("Mario Rossi", text)

    # ------------------------------------------------------------
    # Referral letter
    # ------------------------------------------------------------

    def make_referral(self):
        consent = self.make_consent(date_given="2026-01-15")
        referral = (
            self.env["social.referral"]
            .with_user(self.operator_a)
            .create(
                {
                    "person_id": self.person.id,
                    "session_id": self.session.id,
                    "origin_type": "desk",
                    "origin_desk_id": self.desk_a.id,
                    "target_service_id": self.service_rent.id,
                    "target_desk_id": self.desk_b.id,
                    "receiving_user_ids": [Command.set(self.worker.ids)],
                    "reason": "Sfratto esecutivo fissato per aprile",
                    "urgency": "urgent",
                    "consent_id": consent.id,
                }
            )
        )
        referral.action_send()
        return referral.with_env(self.env)

    def test_referral_letter_in_italian(self):
        referral = self.make_referral()
        text = self.html(REFERRAL_REPORT, referral, user=self.operator_a)
        for expected in (
            referral.name,
            self.service_rent.name,
            self.desk_b.name,
            "Via I Maggio 1, Segrate",  # the receiving desk's address
            "Worker",  # the receiving staff
            "Mario Rossi",
            "RSSMRA80C15G686K",
            "Sfratto esecutivo fissato per aprile",
            "Urgente",
            "Trattamento per l'accesso ai servizi",  # the consent's purpose
            "15 gennaio 2026",
            "Operator A",  # the sender
            "23 marzo 2026",  # sent today
        ):
            self.assertIn(expected, text)
        # acknowledge by: 24 hours for an urgent referral, in words and desk time
        self.assertIn("martedì 24 marzo 2026, 09:10", text)
        self.assertRegex(text, ITALIAN_DAY)

    def test_referral_letter_only_for_who_reads_the_referral(self):
        referral = self.make_referral()
        with self.assertRaises(AccessError):
            self.html(REFERRAL_REPORT, referral, user=self.operator_b)
        self.assertIn("Sfratto", self.html(REFERRAL_REPORT, referral, user=self.worker))

    # ------------------------------------------------------------
    # Privacy notice and consent form
    # ------------------------------------------------------------

    def test_consent_form_for_a_person_has_every_purpose(self):
        text = self.html(PERSON_CONSENT_REPORT, self.person, user=self.operator_a)
        self.assertIn("Titolare del trattamento", text, "the Ambito's default notice")
        self.assertIn("Mario Rossi", text)
        self.assertIn("RSSMRA80C15G686K", text)
        self.assertIn("15 marzo 1980", text)
        for label in (
            "Trattamento per l'accesso ai servizi",
            "Condivisione con i partner della rete",
        ):
            self.assertIn(label, text)
        purposes = self.env["social.consent"]._fields["purpose"].get_values(self.env)
        self.assertEqual(text.count("☐"), 2 * len(purposes), "consent or not, per purpose")

    def test_consent_form_prints_the_ambitos_text(self):
        self.env.company.with_context(
            lang="it_IT"
        ).social_privacy_notice = "<p>Informativa dell'Ambito di prova</p>"
        text = self.html(PERSON_CONSENT_REPORT, self.person, user=self.operator_a)
        self.assertIn("Informativa dell'Ambito di prova", text)
        self.assertNotIn("Titolare del trattamento", text)

    def test_consent_form_of_one_consent(self):
        consent = self.make_consent(purpose="sharing")
        text = self.html(CONSENT_REPORT, consent, user=self.operator_a)
        self.assertIn("Condivisione con i partner della rete", text)
        self.assertNotIn("Trattamento per l'accesso ai servizi", text)
        self.assertEqual(text.count("☐"), 2)

    def test_consent_form_only_for_who_reads_the_file(self):
        with self.assertRaises(AccessError):
            self.html(PERSON_CONSENT_REPORT, self.person, user=self.operator_b)

    # ------------------------------------------------------------
    # Appointment slip
    # ------------------------------------------------------------

    def test_appointment_slip_in_italian(self):
        self.env["social.service.document"].create(
            {"service_id": self.service_rent.id, "name": "Contratto di locazione", "note": "copia"}
        )
        appointment = self.book("2026-03-25 10:00")
        self.assertEqual(appointment.start, utc("2026-03-25 10:00"))
        text = self.html(APPOINTMENT_REPORT, appointment, user=self.operator_b)
        for expected in (
            "mercoledì 25 marzo 2026, 10:00",  # the desk's local time
            self.desk_b.name,
            "Via I Maggio 1, Segrate",
            "02 222",  # the desk's phone
            appointment.name,  # the reference number
            self.topic.name,
            "Mario Rossi",
            "Contratto di locazione (copia)",  # to bring
        ):
            self.assertIn(expected, text)

    def test_appointment_slip_lists_each_document_once(self):
        """Two services of the topic both ask for the identity card: the slip says it once,
        as the booking pages and the confirmation message do."""
        Document = self.env["social.service.document"]
        Document.create({"service_id": self.service_rent.id, "name": "Carta d'identità"})
        Document.create({"service_id": self.service_sad.id, "name": "carta d'identità "})
        self.topic.service_ids = self.service_rent | self.service_sad
        appointment = self.book("2026-03-25 10:00")
        text = self.html(APPOINTMENT_REPORT, appointment, user=self.operator_b)
        self.assertEqual(text.lower().count("carta d'identità"), 1, text)

    def test_appointment_slip_for_the_citizen(self):
        citizen = new_test_user(self.env, "citizen_r", groups="base.group_portal")
        other = new_test_user(self.env, "citizen_o", groups="base.group_portal")
        self.person.partner_id = citizen.partner_id
        appointment = self.book("2026-03-25 10:00")
        text = self.html(APPOINTMENT_REPORT, appointment, user=citizen)
        self.assertIn("mercoledì 25 marzo 2026, 10:00", text)
        self.assertNotIn("Operator B", text, "the staff are not named to the citizen")
        with self.assertRaises(AccessError):
            self.html(APPOINTMENT_REPORT, appointment, user=other)

    def test_pdf(self):
        """One real PDF through wkhtmltopdf, as the citizen downloads it."""
        appointment = self.book("2026-03-25 10:00")
        report = self.env["ir.actions.report"].with_context(
            lang="it_IT", force_report_rendering=True
        )
        pdf, kind = report._render_qweb_pdf(APPOINTMENT_REPORT, appointment.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # one page; the words are those of the HTML above (test_letterhead_...): the text of
        # the PDF cannot be read back when wkhtmltopdf loads the report's web fonts, which it
        # draws as shapes
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 1)

    def test_letterhead_in_the_body_when_the_header_is_dropped(self):
        appointment = self.book("2026-03-25 10:00")
        Report = self.registry["ir.actions.report"]
        for dropped in (True, False):
            with patch.object(Report, "_social_letterhead_in_body", return_value=dropped):
                page, _kind = self.env["ir.actions.report"]._render_qweb_html(
                    APPOINTMENT_REPORT, appointment.ids, data={"report_type": "pdf"}
                )
            self.assertEqual("o_social_letterhead" in page.decode(), dropped)

    def test_print_menu(self):
        """Each form has its report in the Print menu."""
        for xmlid, model in (
            (SESSION_REPORT, "social.listening.session"),
            (REFERRAL_REPORT, "social.referral"),
            (PERSON_CONSENT_REPORT, "social.person"),
            (CONSENT_REPORT, "social.consent"),
            (APPOINTMENT_REPORT, "social.appointment"),
        ):
            report = self.env.ref(xmlid)
            self.assertEqual(report.binding_model_id.model, model)
            self.assertEqual(report.binding_type, "report")


@tagged("post_install", "-at_install")
class TestReportsOnDemo(TransactionCase):
    def test_each_report_renders_for_a_demo_record(self):
        for xmlid, model in (
            (SESSION_REPORT, "social.listening.session"),
            (REFERRAL_REPORT, "social.referral"),
            (PERSON_CONSENT_REPORT, "social.person"),
            (CONSENT_REPORT, "social.consent"),
            (APPOINTMENT_REPORT, "social.appointment"),
        ):
            record = self.env[model].search(
                [("company_id", "=", self.env.ref("base.main_company").id)], limit=1
            )
            self.assertTrue(record, f"the demo has a {model}")
            content, _kind = (
                self.env["ir.actions.report"]
                .with_context(lang="it_IT")
                ._render_qweb_html(xmlid, record.ids)
            )
            self.assertIn("Ambito Distretto Est Milano", content.decode())
