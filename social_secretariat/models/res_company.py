from markupsafe import Markup

from odoo import fields, models

# The Ambito's privacy notice (GDPR art. 13) until it writes its own: in Italian, the language
# of the forms it prints; the placeholders in brackets are for the Ambito to fill in.
DEFAULT_PRIVACY_NOTICE = Markup(
    "<p>Il Titolare del trattamento è l'Ambito territoriale indicato in intestazione, che gestisce "
    "il Segretariato Sociale per conto dei Comuni associati. Il Responsabile della protezione dei "
    "dati (RPD/DPO) è raggiungibile ai recapiti pubblicati sul sito dell'Ambito.</p>"
    "<p>I dati personali, compresi quelli relativi alla salute, alla disabilità o ad altre "
    "categorie particolari (art. 9 del Regolamento UE 2016/679), sono trattati per ascoltare, "
    "informare e orientare la persona, per l'accesso ai servizi e agli interventi sociali e per "
    "le finalità per cui è espresso il consenso qui sotto, in base all'interesse pubblico e ai "
    "compiti di servizio sociale previsti dalla legge (legge 328/2000 e normativa regionale) "
    "e, dove indicato, al consenso della persona.</p>"
    "<p>I dati sono trattati dal personale autorizzato, con strumenti informatici e cartacei e "
    "misure di sicurezza adeguate; sono comunicati ad altri enti o ai partner della rete solo "
    "se la legge lo prevede o con il consenso della persona, e non sono diffusi né trasferiti "
    "fuori dall'Unione europea. Sono conservati per il tempo previsto dalla normativa sui "
    "servizi sociali e dagli obblighi di archiviazione della pubblica amministrazione.</p>"
    "<p>La persona può chiedere in ogni momento l'accesso ai propri dati, la rettifica, la "
    "cancellazione o la limitazione del trattamento, opporsi al trattamento e ricevere i dati "
    "in un formato leggibile (artt. 15-22 del Regolamento), presso qualsiasi sportello o "
    "scrivendo allo sportello online; può revocare il consenso in qualsiasi momento, senza "
    "conseguenze sui trattamenti già svolti, e proporre reclamo al Garante per la protezione "
    "dei dati personali (www.garanteprivacy.it).</p>"
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # An Ambito territoriale is a company: these are its service standards.
    social_ack_hours_emergency = fields.Integer(
        string="Emergency referral: hours to acknowledge", default=2
    )
    social_ack_hours_urgent = fields.Integer(
        string="Urgent referral: hours to acknowledge", default=24
    )
    social_ack_days_normal = fields.Integer(
        string="Normal referral: working days to acknowledge", default=5
    )
    social_escalation_hours = fields.Integer(
        string="Late referral: hours before the coordinator is asked",
        default=24,
        help="A referral not acknowledged by its deadline reminds its receivers at once, and "
        "after these hours asks the coordinator.",
    )
    social_on_call_user_ids = fields.Many2many(
        "res.users",
        "res_company_social_on_call_rel",
        "company_id",
        "user_id",
        string="On call for emergencies (PIS)",
        domain="[('share', '=', False)]",
        help="Alerted at once, by e-mail and with an activity, when an emergency referral is sent.",
    )
    social_request_answer_hours = fields.Integer(
        string="Online requests: working hours to the first answer", default=16
    )
    social_coordinator_id = fields.Many2one(
        "res.users",
        string="Coordinator (Ufficio di Piano)",
        help="Receives the activities for overdue referrals. Defaults to a coordinator "
        "of the Ambito.",
    )
    social_max_open_appointments = fields.Integer(
        string="Open appointments per person",
        default=3,
        help="How many future booked appointments a person may hold at the same time "
        "(0: no limit).",
    )
    social_privacy_notice = fields.Html(
        string="Privacy notice",
        translate=True,
        default=DEFAULT_PRIVACY_NOTICE,
        help="The Ambito's privacy notice (GDPR art. 13), printed on the consent forms that "
        "persons sign.",
    )
