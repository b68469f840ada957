import base64
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import CF_MARIO

from .test_digital_assistance import DigitalAssistanceCase

HEADER = (
    "Punto di facilitazione;Sede;Data;Codice fiscale;Tipo documento;Numero documento;Genere;"
    "Fascia di età;Titolo di studio;Condizione occupazionale;Cittadinanza;"
    "Provincia di domicilio;Tipologia di servizio;Durata (minuti);Competenze;"
    "Ambito del servizio pubblico;Esito;Descrizione"
)


@tagged("post_install", "-at_install")
class TestDigitalAssistanceCsv(DigitalAssistanceCase):
    def test_header_and_rows_in_the_monitoring_layout(self):
        email = self.env.ref("social_secretariat_network.competence_pec_email")
        self.Act.with_user(self.user_a).create(
            self._vals(
                desk_id=self.hub_desk.id,
                competence_ids=[Command.set((email | self.spid).ids)],
                description="Richiesta SPID;\nfatta con il cittadino",
            )
        )
        self.Act.with_user(self.user_a).create(
            self._vals(
                fiscal_code=False,
                document_type="residence_permit",
                document_number="ab123",
                gender="not_said",
                age_band="75_plus",
                education_level="none",
                employment_status="retired",
                citizenship="non_eu",
                assistance_type="training_online",
                competence_ids=[],
                service_area="health_record",
                outcome="referred",
                date=self.today - timedelta(days=40),
            )
        )
        content = self.Act.with_user(self.user_a)._monitoring_csv(self.today, self.today)
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel")
        lines = content.decode("utf-8-sig").split("\r\n")
        day = self.today.strftime("%d/%m/%Y")
        self.assertEqual(
            lines,
            [
                HEADER,
                f"Caritas Test A;Punto digitale A (test);{day};{CF_MARIO};;;M;30-54;DIPLOMA;"
                "OCCUPATO;ITALIANA;MI;FACILITAZIONE_INDIVIDUALE;30;IDENTITA_DIGITALE,EMAIL_PEC;"
                'INPS;CONCLUSO;"Richiesta SPID; fatta con il cittadino"',
                "",
            ],
        )
        # the older act, in a period of its own
        earlier = self.today - timedelta(days=40)
        content = self.Act.with_user(self.user_a)._monitoring_csv(earlier, earlier)
        self.assertEqual(
            content.decode("utf-8-sig").split("\r\n")[1],
            f"Caritas Test A;;{earlier.strftime('%d/%m/%Y')};;PERMESSO_SOGGIORNO;AB123;ND;75+;"
            "NESSUNO_ELEMENTARE;PENSIONATO;EXTRA_UE;MI;FORMAZIONE_ONLINE;30;;SANITA_FSE;"
            "INVIATO_AD_ALTRO_SERVIZIO;",
        )

    def test_only_what_the_user_may_read(self):
        self.Act.with_user(self.user_a).create(self._vals())
        # another organisation's operator gets the header only
        content = self.Act.with_user(self.user_b)._monitoring_csv(self.today, self.today)
        self.assertEqual(content.decode("utf-8-sig"), HEADER + "\r\n")
        # the coordinator, every hub or those asked for
        Act = self.Act.with_user(self.coordinator)
        self.assertIn(CF_MARIO.encode(), Act._monitoring_csv(self.today, self.today))
        self.assertNotIn(
            CF_MARIO.encode(), Act._monitoring_csv(self.today, self.today, self.member_b)
        )

    def test_back_office_export(self):
        self.Act.with_user(self.user_a).create(self._vals())
        wizard = (
            self.env["social.digital.assistance.export"]
            .with_user(self.operator_a)
            .create({"date_from": self.today, "date_to": self.today})
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(wizard.filename.endswith(".csv"))
        self.assertIn(CF_MARIO.encode(), base64.b64decode(wizard.data))
