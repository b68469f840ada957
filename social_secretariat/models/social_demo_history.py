"""A year of activity for the demo Ambito: persons, listening sessions, consents and
referrals in every state. Deterministic for a given seed; dates are relative to the
moment of installation. Called once by demo/social_demo_history.xml."""

import random
import unicodedata
from datetime import datetime, time, timedelta

import phonenumbers
import pytz

from odoo import api, fields, models
from odoo.tools import SQL

try:
    from codicefiscale import codicefiscale as cf_lib
except ImportError:  # pragma: no cover - declared in external_dependencies
    cf_lib = None

ROME = pytz.timezone("Europe/Rome")
XMLID = "social_secretariat.%s"

# ------------------------------------------------------------
# Names and places
# ------------------------------------------------------------

ITALIAN_MALE = [
    "Giuseppe", "Giovanni", "Antonio", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro",
    "Salvatore", "Carlo", "Franco", "Domenico", "Bruno", "Paolo", "Michele", "Giorgio", "Sergio",
    "Luca", "Marco", "Andrea", "Alessandro", "Davide", "Matteo", "Stefano", "Roberto", "Simone",
    "Fabio", "Daniele", "Lorenzo", "Riccardo", "Gianluca", "Enrico",
]  # fmt: skip
ITALIAN_FEMALE = [
    "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Teresa", "Lucia", "Carmela", "Caterina",
    "Francesca", "Antonella", "Laura", "Paola", "Chiara", "Martina", "Federica", "Silvia",
    "Valentina", "Alessandra", "Cristina", "Barbara", "Simona", "Roberta", "Monica", "Luisa",
    "Patrizia", "Daniela", "Graziella", "Noemi", "Beatrice",
]  # fmt: skip
ITALIAN_LAST = [
    "Rossi", "Ferrari", "Bianchi", "Romano", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
    "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Caruso", "Ferrara", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Serra", "Coppola", "De Santis", "D'Angelo",
    "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Fabbri", "Marini", "Grasso", "Sala",
    "Gatti", "Pellegrini", "Palumbo", "Farina", "Monti", "Cattaneo", "Morelli", "Amato",
    "Mazza", "Testa", "Carbone", "Barone", "Caputo", "Guerra", "Fiore", "De Rosa", "Riva",
    "Donati", "Sartori", "Neri", "Milani", "Pagano", "Sorrentino", "Orlando", "Negri",
    "Fumagalli", "Galbiati", "Mauri", "Sironi", "Cazzaniga", "Radaelli", "Pirovano",
]  # fmt: skip
ITALIAN_BIRTHPLACES = [
    ("Milano", 10), ("Pioltello", 3), ("Segrate", 2), ("Vimodrone", 1), ("Cernusco sul Naviglio", 2),
    ("Sesto San Giovanni", 1), ("Bergamo", 1), ("Napoli", 3), ("Palermo", 2), ("Bari", 2),
    ("Catania", 1), ("Foggia", 2), ("Cosenza", 1), ("Lecce", 1), ("Reggio di Calabria", 1),
    ("Caltanissetta", 1), ("Salerno", 1),
]  # fmt: skip

# key: (country xmlid, birthplace for the codice fiscale, male names, female names, last names,
#       languages, weight)
FOREIGN = {
    "morocco": ("base.ma", "Marocco",
                ["Mohamed", "Youssef", "Rachid", "Hassan", "Karim", "Abdellah", "Mustapha", "Omar"],
                ["Fatima", "Khadija", "Amina", "Naima", "Samira", "Latifa", "Zineb", "Hanane"],
                ["El Amrani", "Benali", "Bouzid", "El Idrissi", "Chakir", "Haddad", "Alaoui", "Tazi"],
                ["ar", "fr", "it"], 9),
    "romania": ("base.ro", "Romania",
                ["Ion", "Andrei", "Mihai", "Constantin", "Gheorghe", "Florin", "Adrian", "Cristian"],
                ["Elena", "Ioana", "Andreea", "Mihaela", "Gabriela", "Daniela", "Georgiana", "Maria"],
                ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Munteanu", "Rusu"],
                ["ro", "it"], 8),
    "albania": ("base.al", "Albania",
                ["Arben", "Ilir", "Gentian", "Besnik", "Erion", "Fatmir", "Artan"],
                ["Blerta", "Elira", "Mirela", "Valbona", "Anila", "Entela", "Lindita"],
                ["Hoxha", "Shehu", "Kola", "Leka", "Gjoka", "Dervishi", "Basha", "Mema"],
                ["sq_AL", "it"], 6),
    "ukraine": ("base.ua", "Ucraina",
                ["Oleksandr", "Andriy", "Serhiy", "Volodymyr", "Dmytro"],
                ["Olena", "Natalia", "Oksana", "Iryna", "Tetiana", "Svitlana", "Halyna"],
                ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko"],
                ["uk_UA", "ru"], 5),
    "senegal": ("base.sn", "Senegal",
                ["Mamadou", "Cheikh", "Ousmane", "Abdoulaye", "Moussa", "Modou"],
                ["Fatou", "Aminata", "Awa", "Mariama", "Coumba", "Ndeye"],
                ["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Mbaye", "Sarr", "Faye"],
                ["fr", "it"], 4),
    "peru": ("base.pe", "Peru",
             ["José", "Luis", "Carlos", "Jorge", "Juan", "Miguel"],
             ["Rosa", "Carmen", "Gladys", "Milagros", "Maribel", "Yolanda"],
             ["Quispe", "Flores", "Huamán", "Mamani", "Rojas", "Torres", "Chávez", "Vargas"],
             ["es", "it"], 4),
    "china": ("base.cn", "Repubblica Popolare Cinese",
              ["Wei", "Jun", "Hao", "Lei", "Ming"],
              ["Mei", "Fang", "Yan", "Jing", "Xiu Ying"],
              ["Hu", "Chen", "Wang", "Zhou", "Zhang", "Lin", "Xu", "Ye"],
              ["zh_CN"], 3),
    "egypt": ("base.eg", "Egitto",
              ["Ahmed", "Mahmoud", "Mostafa", "Karim"],
              ["Mona", "Heba", "Nour"],
              ["Abdelrahman", "Hassan", "Mansour", "Farouk"],
              ["ar", "it"], 2),
}  # fmt: skip
ITALIAN_PLACES = {name for name, _weight in ITALIAN_BIRTHPLACES}
BIRTHPLACE_LABELS = {"Peru": "Perù", "Repubblica Popolare Cinese": "Cina"}

STREETS = {
    "pioltello": ["Via Wagner", "Via Mozart", "Via Cimarosa", "Via Bellini", "Via Roma", "Via Milano",
                  "Via San Francesco", "Via Cattaneo", "Via Leoncavallo", "Via Puccini"],
    "segrate": ["Via Cassanese", "Via Morandi", "Via Rugacesio", "Via Redecesio", "Via Primo Maggio"],
    "vimodrone": ["Via Piave", "Via Battisti", "Via Padana Superiore", "Via Fiume", "Via Leopardi"],
    "rodano": ["Via Turati", "Via Roma", "Via Pascoli"],
    "cassina_de_pecchi": ["Via Roma", "Via Trieste", "Via Don Milani", "Via Mazzini"],
}  # fmt: skip
MUNICIPALITY_WEIGHTS = [
    ("pioltello", 40), ("segrate", 24), ("vimodrone", 16), ("rodano", 8), ("cassina_de_pecchi", 12),
]  # fmt: skip
MOBILE_PREFIXES = ["320", "327", "328", "329", "331", "333", "334", "335", "338", "339", "340",
                   "342", "345", "346", "347", "348", "349", "351", "366", "380", "388", "389",
                   "392", "393"]  # fmt: skip

# profile: (need areas, most likely first; age range)
PROFILES = {
    "family_poverty": (["ECO", "CASA", "FAM", "LAV"], (25, 55)),
    "job_loss": (["LAV", "ECO", "CASA", "INF"], (22, 62)),
    "elderly": (["ANZ", "REL", "SAN", "INF"], (66, 92)),
    "disability": (["DIS", "SAN", "LAV", "INF"], (18, 60)),
    "migrant": (["MIG", "EDU", "LAV", "INF"], (18, 45)),
    "violence": (["VIO", "FAM", "CASA", "ECO"], (22, 50)),
    "addiction": (["DIP", "SAN", "LAV", "REL"], (25, 60)),
    "isolation": (["REL", "SAN", "ANZ", "INF"], (40, 85)),
    "paperwork": (["INF", "ECO", "FAM"], (25, 75)),
    "youth": (["EDU", "FAM"], (13, 17)),
    "homeless": (["CASA", "ECO", "SAN", "DIP"], (30, 65)),
}
ITALIAN_PROFILES = [
    ("family_poverty", 14), ("job_loss", 12), ("elderly", 16), ("disability", 8), ("violence", 4),
    ("addiction", 4), ("isolation", 8), ("paperwork", 10), ("youth", 3), ("homeless", 4),
]  # fmt: skip
FOREIGN_PROFILES = [
    ("migrant", 30), ("family_poverty", 22), ("job_loss", 14), ("violence", 6), ("paperwork", 10),
    ("homeless", 6), ("youth", 2),
]  # fmt: skip
# the sub-need that a profile starts from, when it is not any of the area
PROFILE_FIRST_NEED = {"homeless": "CASA.02", "violence": "VIO.01", "youth": "EDU.01"}

# ------------------------------------------------------------
# What people say (first person), per sub-need
# ------------------------------------------------------------

REQUESTS = {
    "ECO.01": ["Con la pensione minima non arrivo a fine mese: dopo l'affitto non resta niente per mangiare.",
               "Siamo in quattro e lavora solo mio marito, a chiamata: non riusciamo più a fare la spesa.",
               "Non ho entrate da tre mesi e ho finito i risparmi."],
    "ECO.02": ["Ho accumulato debiti con la finanziaria e adesso mi chiamano ogni giorno.",
               "Sono indietro con le rate del condominio e con le bollette, non so da dove cominciare."],
    "ECO.03": ["Mi vergogno a chiederlo, ma a fine mese non abbiamo da mangiare per i bambini.",
               "Qualcuno mi ha detto che esiste un emporio solidale: come si fa ad accedere?"],
    "ECO.04": ["Vorrei sapere se ho diritto all'Assegno di inclusione e come si fa la domanda.",
               "Mi è stato sospeso l'assegno e non capisco perché: cosa devo fare?"],
    "ECO.05": ["Mi è arrivata una bolletta del gas di 900 euro e rischio il distacco.",
               "Mi hanno staccato la luce per morosità, in casa c'è un bambino piccolo."],
    "CASA.01": ["Ho ricevuto lo sfratto per morosità: da quando ho perso il lavoro non riesco a pagare l'affitto.",
                "Il proprietario vuole vendere e mi ha dato la disdetta: entro tre mesi devo lasciare la casa."],
    "CASA.02": ["Dormo in macchina da due settimane, non ho più un posto dove stare.",
                "Sono uscito dall'ospedale e non ho una casa dove tornare."],
    "CASA.03": ["L'affitto è di 850 euro e guadagno 1.100 euro al mese: non ce la faccio più.",
                "Ho sentito che c'è un contributo per l'affitto: posso fare domanda?"],
    "CASA.04": ["Viviamo in cinque in un bilocale con la muffa sui muri, il bambino ha sempre la tosse.",
                "Abito al quarto piano senza ascensore e con la carrozzina non riesco più a uscire."],
    "CASA.05": ["Vorrei fare domanda per la casa popolare: quando apre il bando?",
                "Sono in graduatoria per la casa popolare da due anni: ci sono novità?"],
    "LAV.01": ["Cerco lavoro da un anno, ho mandato curriculum ovunque ma nessuno mi risponde.",
               "Vorrei iscrivermi al Centro per l'impiego ma non so come si fa."],
    "LAV.02": ["Ho perso il lavoro in magazzino dopo vent'anni e alla mia età nessuno mi assume.",
               "La ditta ha chiuso e sono a casa senza stipendio da due mesi."],
    "LAV.03": ["Vorrei fare un corso da operatrice socio-sanitaria: ci sono corsi gratuiti?",
               "Ho un diploma del mio Paese ma qui non vale: come posso farlo riconoscere?"],
    "LAV.04": ["Lavoro nelle pulizie senza contratto e mi pagano quando vogliono.",
               "Ho solo contratti di un mese e non riesco a fare progetti."],
    "SAN.01": ["Dopo l'intervento non posso più fare lavori pesanti e sono rimasto senza reddito.",
               "Ho il diabete e non riesco a pagare i farmaci che non passa la mutua."],
    "SAN.02": ["Da quando è morta mia moglie non dormo, non esco di casa e non ho voglia di niente.",
               "Ho avuto un ricovero in psichiatria e adesso non so a chi rivolgermi."],
    "SAN.03": ["Non ho ancora il medico di base e devo fare delle visite.",
               "Vorrei sapere se ho diritto all'esenzione dal ticket adesso che sono disoccupato."],
    "DIS.01": ["Mio figlio ha avuto la diagnosi di autismo: come si chiede la legge 104?",
               "Ho fatto domanda di invalidità un anno fa e non mi hanno ancora chiamato a visita."],
    "DIS.02": ["Assisto da sola mia figlia disabile e non ho mai un'ora per me.",
               "Sono in carrozzina e mi serve qualcuno che mi aiuti la mattina ad alzarmi."],
    "DIS.03": ["Ho l'invalidità al 60% e vorrei lavorare: come funziona il collocamento mirato?",
               "Mio figlio ha finito la scuola e vorremmo un tirocinio adatto a lui."],
    "DIS.04": ["Non ho chi mi accompagna alla dialisi tre volte a settimana.",
               "Mio figlio deve andare al centro diurno ma noi lavoriamo e non possiamo portarlo."],
    "DIS.05": ["Mio figlio ha 19 anni e ha finito la scuola: che centro diurno può frequentare?",
               "Stiamo invecchiando e ci chiediamo chi si occuperà di nostro figlio dopo di noi."],
    "ANZ.01": ["Da quando sono caduto non riesco più a lavarmi da solo.",
               "Mio marito ha l'Alzheimer e non riesco più ad accudirlo da sola."],
    "ANZ.02": ["Mia madre è stata dimessa dall'ospedale e non è più autosufficiente: cosa facciamo?",
               "Le gambe non mi reggono più e ho paura di restare sola in casa."],
    "ANZ.03": ["Stiamo cercando una RSA per mio padre ma la retta è troppo alta.",
               "Vorrei informazioni sulle liste d'attesa delle RSA della zona."],
    "ANZ.04": ["Assisto mia madre giorno e notte e sono esausta: c'è un aiuto per chi assiste?",
               "Abbiamo una badante in regola e vorremmo sapere se c'è un contributo."],
    "ANZ.05": ["Non riesco più a cucinare e a fare la spesa, mangio quasi solo pane e latte.",
               "Vivo da solo e mi servirebbe qualcuno che mi porti il pranzo."],
    "FAM.01": ["Mio figlio di 14 anni non mi ascolta più, litighiamo sempre e ho paura di perderlo.",
               "Sono una mamma sola e a volte non so come gestire i bambini."],
    "FAM.02": ["Non riesco a pagare la retta del nido e devo lavorare.",
               "La mensa scolastica costa troppo per due figli: ci sono riduzioni?"],
    "FAM.03": ["Mi sto separando e non so come fare con i bambini e con la casa.",
               "Il mio ex non mi fa vedere i bambini da mesi."],
    "FAM.04": ["La scuola mi ha detto che hanno fatto una segnalazione per mio figlio e sono preoccupata.",
               "Il Tribunale ha chiesto ai servizi sociali di seguirci: cosa succede adesso?"],
    "FAM.05": ["È nato il mio secondo figlio: quali aiuti ci sono per le famiglie?",
               "Non mi arriva più l'assegno unico: forse ho sbagliato qualcosa nella domanda."],
    "REL.01": ["Da quando sono in pensione non vedo più nessuno e le giornate non passano mai.",
               "Vivo sola, i figli sono lontani: vorrei fare qualcosa, conoscere gente."],
    "REL.02": ["Sono arrivata qui da poco e non conosco nessuno a cui chiedere aiuto.",
               "Se mi succede qualcosa non ho nessuno da chiamare."],
    "REL.03": ["Il vicino del piano di sopra fa rumore tutta la notte e mi minaccia quando protesto.",
               "In condominio c'è una lite che va avanti da mesi e non si vive più."],
    "VIO.01": ["Mio marito mi controlla il telefono e i soldi, e quando beve mi alza le mani.",
               "Il mio ex compagno mi ha minacciata e ho paura a tornare a casa."],
    "VIO.02": ["Mia nipote mi ha raccontato delle cose brutte che succedono a casa sua.",
               "Ho paura che il compagno di mia figlia faccia del male ai bambini."],
    "VIO.03": ["Mio fratello si prende tutta la pensione di nostra madre e la lascia senza niente.",
               "La badante di mio padre lo tratta male, lui ha paura a dirlo."],
    "VIO.04": ["Un ex collega mi segue e mi scrive decine di messaggi al giorno.",
               "Ricevo messaggi offensivi sui social e non so come difendermi."],
    "MIG.01": ["Il mio permesso di soggiorno scade il mese prossimo: cosa devo preparare per il rinnovo?",
               "Ho perso il lavoro e ho paura di non poter rinnovare il permesso."],
    "MIG.02": ["Ho fatto domanda di asilo e aspetto la Commissione: intanto posso lavorare?",
               "Mi hanno riconosciuto la protezione ma devo lasciare il centro di accoglienza."],
    "MIG.03": ["Vivo qui da dieci anni e vorrei chiedere la cittadinanza italiana.",
               "Non riesco a fare la residenza perché il proprietario non vuole."],
    "MIG.04": ["Vorrei far venire in Italia mia moglie e i miei figli: cosa serve?",
               "Mia madre è anziana e sola in Marocco: posso farla venire qui?"],
    "DIP.01": ["Ho un problema con l'alcol e mia moglie mi ha detto che se non smetto se ne va.",
               "Bevo tutti i giorni da quando ho perso il lavoro e vorrei smettere."],
    "DIP.02": ["Mio figlio usa cocaina e non so più cosa fare.",
               "Sono uscito dalla comunità e ho paura di ricadere."],
    "DIP.03": ["Ho perso tutto alle slot e ho fatto debiti che mia moglie non sa.",
               "Mio padre gioca alle macchinette tutta la pensione."],
    "DIP.04": ["Mio marito beve e io non so come aiutarlo senza rovinare la famiglia.",
               "Vorrei un gruppo per familiari di persone con dipendenze."],
    "EDU.01": ["Mio figlio vuole lasciare la scuola e passa le giornate in giro.",
               "Mia figlia è stata bocciata e a casa non possiamo aiutarla con i compiti."],
    "EDU.02": ["Vorrei imparare l'italiano: ci sono corsi gratuiti anche la sera?",
               "Mi serve il certificato A2 di italiano per il permesso di lungo periodo."],
    "EDU.03": ["Non ho la licenza media e vorrei prenderla per poter lavorare.",
               "Vorrei finire le superiori, ma ho 35 anni: si può ancora?"],
    "EDU.04": ["Quest'estate lavoro e non so dove lasciare i bambini.",
               "Cerco un'attività sportiva gratuita per mio figlio."],
    "INF.01": ["Vorrei sapere quali aiuti esistono per una famiglia come la nostra.",
               "Mi hanno detto di venire qui ma non so bene a chi devo rivolgermi."],
    "INF.02": ["Devo presentare una domanda ma il modulo è complicato: mi aiutate?",
               "Non capisco questa lettera dell'INPS: cosa mi chiedono?"],
    "INF.03": ["Mi serve l'ISEE ma non so quali documenti portare.",
               "Il CAF mi ha dato appuntamento fra due mesi e la domanda scade prima."],
    "INF.04": ["Non ho lo SPID e ormai serve per tutto: come lo faccio?",
               "Non riesco a entrare nel sito dell'INPS, mi chiede sempre una password."],
    "INF.05": ["Mia madre non è più in grado di gestire i suoi soldi: cos'è l'amministratore di sostegno?",
               "Sono stata nominata amministratrice di sostegno di mio zio e non so cosa devo fare."],
}  # fmt: skip
# When someone else speaks for the person
REPORTED = {
    "ANZ": ["Chiamo per mio padre, che vive solo: non mangia più regolarmente e ha già avuto due cadute.",
            "Mia madre non riconosce più la casa e la notte esce di casa da sola."],
    "REL": ["La mia vicina è anziana e vive sola: da giorni non la vedo uscire e non apre la porta.",
            "Un signore del mio palazzo non ha nessuno e sta sempre peggio."],
    "DIS": ["Seguo un ragazzo con disabilità che ha finito la scuola e la famiglia non sa a cosa iscriverlo.",
            "Chiamo per mio fratello, che è in carrozzina e da quando è morta nostra madre è solo."],
    "SAN": ["Un mio paziente è stato dimesso e non ha nessuno che lo assista a casa.",
            "Mia sorella non prende più i farmaci e si è chiusa in casa."],
    "DIP": ["Chiamo per mio figlio: beve ogni sera e ha perso il lavoro.",
            "Un utente della mensa ha un evidente problema con l'alcol e non ha un medico."],
    "FAM": ["Un'alunna arriva a scuola senza merenda e con gli stessi vestiti da giorni.",
            "Mia nuora è sola con tre bambini piccoli e non ce la fa."],
    "EDU": ["Un mio alunno ha smesso di venire a scuola da un mese e la famiglia non risponde.",
            "Mio nipote passa le giornate in strada, i genitori lavorano tutto il giorno."],
    "CASA": ["Una famiglia del mio condominio deve lasciare la casa la settimana prossima e non sa dove andare.",
             "C'è un uomo che dorme da giorni sotto il portico della chiesa."],
}  # fmt: skip
INTERLOCUTORS = {
    "family": [("figlia", None), ("figlio", None), ("moglie", None), ("marito", None), ("sorella", None),
               ("nipote", None), ("madre", None)],
    "neighbour": [("vicina di casa", None), ("vicino di casa", None), ("amica di famiglia", None)],
    "professional": [("medico di base", "Studio medico associato"), ("insegnante", "Istituto comprensivo"),
                     ("infermiera", "ASST Melegnano e della Martesana"), ("assistente sociale ospedaliera", "Ospedale di Melzo")],
    "volunteer": [("volontaria", "Caritas – Centro di ascolto decanale"), ("volontario", "Associazione Auser")],
}  # fmt: skip
CONFIDENTIAL = {
    "VIO": "Riferisce episodi ripetuti di violenza; non lasciare messaggi al numero di casa, contattare solo sul cellulare.",
    "DIP": "Riferisce uso problematico da alcuni anni; ha già avuto un contatto con il SerD in passato.",
    "SAN": "Patologia psichiatrica riferita dalla persona; concordare con il CPS eventuali contatti.",
    "MIG": "Procedimento di protezione internazionale in corso: non condividere dati con terzi senza consenso.",
    "DIS": "Certificazione L. 104/92 art. 3 c. 3; la famiglia chiede riservatezza con la scuola.",
}  # fmt: skip

REJECT_REASONS = [
    "La richiesta non è di competenza del servizio: orientare la persona al servizio sociale del Comune.",
    "Requisiti di accesso non soddisfatti: ISEE sopra la soglia prevista dal regolamento del servizio.",
    "Posti esauriti per l'anno in corso: indicare alla persona la lista d'attesa del servizio.",
]  # fmt: skip
CANCEL_REASONS = [
    "La persona ha trovato autonomamente una soluzione e ha ritirato la richiesta.",
    "Trasferimento di residenza in un altro Comune fuori dal Distretto.",
    "Invio duplicato: la persona era già seguita dal servizio.",
]  # fmt: skip
CLOSE_NOTES = {
    "taken_into_care": "Presa in carico dal servizio sociale professionale: progetto concordato con la persona.",
    "service_activated": "Servizio attivato; la persona è stata informata di tempi e referenti.",
    "information_only": "Colloquio svolto: la persona aveva bisogno solo di informazioni e orientamento.",
    "not_eligible": "Requisiti non soddisfatti (ISEE sopra soglia); orientata ad altre risorse del territorio.",
    "person_declined": "La persona ha deciso di non proseguire per ora.",
    "unreachable": "Tre tentativi di contatto senza risposta; la persona può ripresentarsi in ogni momento.",
}  # fmt: skip


def _ascii(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum())


class SocialDemoHistory(models.AbstractModel):
    _name = "social.demo.history"
    _description = "Demo history generator"

    # ------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------

    @api.model
    def _generate(self, persons=60, sessions=300, referrals=40, seed=42):
        """Create `persons` persons, `sessions` listening sessions and `referrals` referrals
        (in every state) spread over the last twelve months. Runs once: does nothing when
        the demo Ambito already has sessions."""
        company = self.env.ref("base.main_company")
        if cf_lib is None or self.env["social.listening.session"].sudo().search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            return False
        gen = _Generator(self.sudo().with_company(company).env, random.Random(seed), company)
        gen.run(persons, sessions, referrals)
        return True


class _Generator:
    """Holds the state of one generation; all records are created with sudo."""

    QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}

    def __init__(self, env, rng, company):
        self.env = env
        self.rng = rng
        self.company = company
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.today = self.now.date()
        ref = lambda name: env.ref(XMLID % name)  # noqa: E731
        self.ref = ref
        self.users = {
            key: ref(f"user_{key}_demo")
            for key in ("operator", "educator", "worker", "coordinator")
        }
        self.desks = {
            key: ref(f"desk_{key}_demo")
            for key in ("pioltello", "segrate", "vimodrone", "rodano", "phone", "online")
        }
        self.municipalities = {
            key: ref(f"municipality_{key}_demo")
            for key in ("pioltello", "segrate", "vimodrone", "rodano", "cassina_de_pecchi")
        }
        needs = env["social.need"].search([])
        self.needs = {need.code: need for need in needs}
        self.services = env["social.service"].search(
            [("company_id", "=", company.id), ("is_published", "=", True)]
        )
        self.service = lambda slug: ref(f"service_{slug}_demo")
        self.langs = {
            code: env.ref(f"base.lang_{code}", raise_if_not_found=False)
            for code in ("it", "en", "fr", "ar", "es", "ro", "ru", "zh_CN", "uk_UA", "sq_AL")
        }
        self.caritas = ref("partner_caritas_demo")
        self.slots = {
            key: [
                (int(a.dayofweek), a.hour_from, a.hour_to)
                for a in desk.resource_calendar_id.attendance_ids
            ]
            for key, desk in self.desks.items()
        }
        self.used_codes = set()
        self.person_info = {}  # person id -> dict(profile, home desk, age, municipality key)
        self.session_specs = []
        self.referral_specs = []
        self.consents = {}  # (person id, purpose) -> consent

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def to_utc(self, local_dt):
        return ROME.localize(local_dt).astimezone(pytz.utc).replace(tzinfo=None)

    def slot(self, desk_key, max_ago, min_ago=0):
        """A moment in the opening hours of the desk between max_ago and min_ago days ago."""
        rng = self.rng
        local_today = pytz.utc.localize(self.now).astimezone(ROME).date()
        lo, hi = sorted((min_ago, max_ago))
        for _attempt in range(60):
            day = local_today - timedelta(days=rng.randint(lo, hi))
            if (day.month == 8 and 8 <= day.day <= 21) or (day.month, day.day) in (
                (12, 25),
                (12, 26),
                (1, 1),
            ):
                continue  # summer closure and holidays
            hours = [s for s in self.slots[desk_key] if s[0] == day.weekday()]
            if not hours:
                continue
            _dow, start, end = rng.choice(hours)
            start_h = start + rng.random() * max(end - start - 0.5, 0)
            minutes = int(start_h * 60) // 5 * 5
            moment = self.to_utc(datetime.combine(day, time()) + timedelta(minutes=minutes))
            if moment <= self.now - timedelta(minutes=15):
                return moment
            hi = max(hi, lo + 7)  # today's slot not reached yet: widen the window
        return self.now - timedelta(days=lo, hours=2)

    def phone_number(self, mobile=True):
        for _attempt in range(20):
            if mobile:
                number = "+39 %s %03d %04d" % (
                    self.rng.choice(MOBILE_PREFIXES),
                    self.rng.randint(100, 999),
                    self.rng.randint(0, 9999),
                )
            else:
                number = "+39 02 %04d %04d" % (
                    self.rng.randint(9000, 9599),
                    self.rng.randint(0, 9999),
                )
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(number, "IT")):
                    return number
            except phonenumbers.NumberParseException:
                continue
        return False

    def birth_date(self, age):
        day = self.today - timedelta(days=int(age * 365.25) + self.rng.randint(0, 360))
        if 1900 <= day.year <= 1926:  # two-digit years of a codice fiscale: keep them unambiguous
            day = day.replace(year=1927)
        return day

    def fiscal_code(self, last, first, gender, birth, place):
        try:
            code = cf_lib.encode(
                lastname=last,
                firstname=first,
                gender="F" if gender == "female" else "M",
                birthdate=birth.strftime("%d/%m/%Y"),
                birthplace=place,
            )
        except ValueError:  # a place the package does not know at that date
            return False
        if code in self.used_codes:
            return False
        self.used_codes.add(code)
        return code

    # ------------------------------------------------------------
    # Run
    # ------------------------------------------------------------

    def run(self, n_persons, n_sessions, n_referrals):
        stories = self.create_story_persons()
        others = self.create_random_persons(max(n_persons - len(stories), 0))
        self.plan_story(stories)
        self.plan_referral_sessions(others, n_referrals - len(self.referral_specs))
        anonymous = sum(1 for spec in self.session_specs if not spec["vals"]["person_id"])
        self.plan_random_sessions(
            others, n_sessions - len(self.session_specs), round(n_sessions * 0.15) - anonymous
        )
        self.create_sessions()
        self.create_consents()
        self.create_referrals()
        self.finish(stories)

    # ------------------------------------------------------------
    # Persons
    # ------------------------------------------------------------

    def person_vals(self, first, last, gender, birth, place, country, profile, municipality,
                    status="resident", languages=("it",), birth_country=None, **extra):  # fmt: skip
        """Values of a person born in `place` (an Italian municipality or a foreign country as
        the codice fiscale knows it), citizen of `country` (xmlid, False when stateless)."""
        if not birth_country:
            birth_country = "base.it" if place in ITALIAN_PLACES else country
        vals = {
            "first_name": first,
            "last_name": last,
            "gender": gender,
            "birth_date": birth,
            "birthplace": BIRTHPLACE_LABELS.get(place, place),
            "birth_country_id": self.env.ref(birth_country).id,
            "citizenship_id": self.env.ref(country).id if country else False,
            "legal_status": status,
            "residence_municipality_id": self.municipalities[municipality].id,
            "language_ids": [(6, 0, [self.langs[c].id for c in languages if self.langs.get(c)])],
            "company_id": self.company.id,
        }
        if status != "stp":
            vals["fiscal_code"] = self.fiscal_code(last, first, gender, birth, place)
        vals.update(extra)
        vals["_profile"] = profile
        vals["_municipality"] = municipality
        return vals

    def create_story_persons(self):
        """The persons whose stories the demo tells; dict key -> person."""
        specs = {}
        specs["giovanna"] = self.person_vals(
            "Giovanna",
            "Russo",
            "female",
            self.birth_date(37),
            "Napoli",
            "base.it",
            "family_poverty",
            "pioltello",
            mobile=self.phone_number(),
            email="giovanna.russo@example.com",
            address="Via Mozart 12, Pioltello",
            household_notes="Madre sola con due figli: Luca (9 anni) e Sofia (6 anni). Il padre dei bambini "
            "non contribuisce al mantenimento.",
        )
        specs["giuseppe"] = self.person_vals(
            "Giuseppe",
            "Brivio",
            "male",
            self.birth_date(85),
            "Segrate",
            "base.it",
            "elderly",
            "segrate",
            phone=self.phone_number(mobile=False),
            address="Via Rugacesio 8, Segrate",
            household_notes="Vedovo, vive solo al secondo piano senza ascensore. La figlia Paola abita a "
            "Bergamo e viene nel fine settimana.",
        )
        specs["ibrahima"] = self.person_vals(
            "Ibrahima",
            "Traoré",
            "male",
            self.birth_date(20),
            "Mali",
            "base.ml",
            "migrant",
            "pioltello",
            status="asylum_seeker",
            languages=("fr", "en"),
            needs_interpreter=True,
            birth_country="base.ml",
            mobile=self.phone_number(),
            address="Centro di accoglienza straordinaria, Via Milano 90, Pioltello",
        )
        specs["rosa"] = self.person_vals(
            "Rosa",
            "Brambilla",
            "female",
            self.birth_date(88),
            "Vimodrone",
            "base.it",
            "elderly",
            "vimodrone",
            phone=self.phone_number(mobile=False),
            address="Via Piave 27, Vimodrone",
            household_notes="Vedova, nessun figlio. Un nipote vive a Torino e telefona di rado.",
        )
        specs["samira"] = self.person_vals(
            "Samira",
            "El Idrissi",
            "female",
            self.birth_date(32),
            "Marocco",
            "base.ma",
            "violence",
            "segrate",
            languages=("ar", "fr", "it"),
            mobile=self.phone_number(),
            household_notes="Due figli di 4 e 7 anni.",
        )
        specs["constantin"] = self.person_vals(
            "Constantin",
            "Rusu",
            "male",
            self.birth_date(58),
            "Romania",
            "base.ro",
            "homeless",
            "pioltello",
            languages=("ro", "it"),
            is_homeless=True,
            address="Senza fissa dimora – residenza in Via della Casa Comunale 1, Pioltello",
        )
        citizen = self.ref("user_citizen_demo")
        specs["mario"] = self.person_vals(
            "Mario",
            "Esposito",
            "male",
            self.birth_date(58),
            "Napoli",
            "base.it",
            "job_loss",
            "pioltello",
            partner_id=citizen.partner_id.id,
            mobile=self.phone_number(),
            address="Via Roma 45, Pioltello",
            household_notes="Sposato, la moglie lavora part-time; due figli maggiorenni.",
        )
        persons = self.create_persons(list(specs.values()))
        return dict(zip(specs, persons, strict=True))

    def create_random_persons(self, count):
        rng = self.rng
        specs = []
        # fixed quotas of the rarer legal statuses, the rest decided by origin
        special = [
            ("asylum_seeker", "Gambia", "base.gm", ["Lamin", "Ebrima"], ["Fatoumata"], ["Jallow", "Ceesay", "Touray"], ("en",)),
            ("asylum_seeker", "Guinea", "base.gn", ["Alpha", "Sekou"], ["Mariama"], ["Bah", "Barry", "Camara"], ("fr",)),
            ("refugee", "Afghanistan", "base.af", ["Ahmad", "Farid"], ["Zahra"], ["Rahimi", "Ahmadi", "Karimi"], ("en",)),
            ("refugee", "Siria", "base.sy", ["Omar", "Khaled"], ["Rania"], ["Al Hassan", "Haddad", "Najjar"], ("ar", "en")),
            ("stateless", "Bosnia-Erzegovina", False, ["Senad", "Dragan"], ["Sabina", "Mirsada"], ["Hadžić", "Jovanović", "Halilović"], ("it",)),
            ("stp", "Peru", "base.pe", ["Luis"], ["Gladys", "Maribel"], ["Quispe", "Mamani"], ("es",)),
            ("stp", "Marocco", "base.ma", ["Rachid", "Hassan"], ["Naima"], ["Bouzid", "Chakir"], ("ar", "fr")),
        ]  # fmt: skip
        for status, place, country, males, females, lasts, languages in special[:count]:
            gender = rng.choice(["male", "male", "female"])
            first = rng.choice(males if gender == "male" else females)
            age = rng.randint(19, 45)
            extra = {
                "needs_interpreter": status in ("asylum_seeker", "refugee") and rng.random() < 0.6
            }
            if status == "stp":
                extra["stp_code"] = "STP030321%07d" % rng.randint(0, 9999999)
            extra["birth_country"] = "base.ba" if status == "stateless" else country
            if rng.random() < 0.8:
                extra["mobile"] = self.phone_number()
            municipality = self.pick(MUNICIPALITY_WEIGHTS)
            profile = (
                "migrant"
                if status != "stateless"
                else self.pick([("family_poverty", 1), ("paperwork", 1)])
            )
            specs.append(
                self.person_vals(
                    first,
                    rng.choice(lasts),
                    gender,
                    self.birth_date(age),
                    place,
                    country,
                    profile,
                    municipality,
                    status=status,
                    languages=languages,
                    **extra,
                )
            )
        # a few profiles every demo should show, then chance decides
        forced = ["homeless", "homeless", "disability", "addiction", "youth", "elderly"]
        while len(specs) < count:
            profile = forced.pop(0) if forced else None
            italian = bool(profile) or rng.random() < 0.72
            gender = rng.choice(["male", "female"])
            if italian:
                profile = profile or self.pick(ITALIAN_PROFILES)
                first = rng.choice(ITALIAN_MALE if gender == "male" else ITALIAN_FEMALE)
                last = rng.choice(ITALIAN_LAST)
                country, languages = "base.it", ("it",)
            else:
                origin = self.pick([(key, value[6]) for key, value in FOREIGN.items()])
                country, place, males, females, lasts, languages, _w = FOREIGN[origin]
                profile = self.pick(FOREIGN_PROFILES)
                first = rng.choice(males if gender == "male" else females)
                last = rng.choice(lasts)
            if profile == "violence":
                gender = "female"
                first = rng.choice(ITALIAN_FEMALE if italian else FOREIGN[origin][3])
            age = rng.randint(*PROFILES[profile][1])
            if italian:
                place = (
                    self.pick(ITALIAN_BIRTHPLACES)
                    if age > 30
                    else self.pick(ITALIAN_BIRTHPLACES[:7])
                )
            elif age < 25 and rng.random() < 0.5:
                place = self.pick(ITALIAN_BIRTHPLACES[:7])  # born in Italy of foreign parents
            status = "resident" if italian or rng.random() < 0.75 else "entitled"
            municipality = self.pick(MUNICIPALITY_WEIGHTS)
            extra = {}
            if profile == "homeless":
                extra["is_homeless"] = True
                extra["address"] = "Senza fissa dimora"
            else:
                extra["address"] = "%s %d, %s" % (
                    rng.choice(STREETS[municipality]),
                    rng.randint(1, 120),
                    self.municipalities[municipality].name,
                )
            if age >= 75 and rng.random() < 0.6:
                extra["phone"] = self.phone_number(mobile=False)
            elif rng.random() < 0.9:
                extra["mobile"] = self.phone_number()
            if age < 65 and rng.random() < 0.45:
                extra["email"] = "%s.%s%02d@%s" % (
                    _ascii(first),
                    _ascii(last),
                    rng.randint(1, 99),
                    rng.choice(["example.com", "example.org", "example.net"]),
                )
            if not italian:
                extra["needs_interpreter"] = status == "entitled" and "it" not in languages
            if profile == "family_poverty":
                extra["household_notes"] = rng.choice([
                    "Coppia con tre figli minori, un solo reddito.",
                    "Madre sola con un figlio di 5 anni.",
                    "Nucleo di quattro persone; il padre lavora a chiamata.",
                    "Vive con la madre anziana e due figli adolescenti.",
                ])  # fmt: skip
            vals = self.person_vals(
                first,
                last,
                gender,
                self.birth_date(age),
                place,
                country,
                profile,
                municipality,
                status=status,
                languages=languages,
                **extra,
            )
            if vals.get("fiscal_code") is False:
                continue  # the same code twice: draw another person
            specs.append(vals)
        return self.create_persons(specs)

    def create_persons(self, specs):
        meta = [(vals.pop("_profile"), vals.pop("_municipality")) for vals in specs]
        persons = self.env["social.person"].with_context(**self.QUIET).create(specs)
        for person, (profile, municipality) in zip(persons, meta, strict=True):
            home = municipality if municipality in self.desks else "pioltello"
            self.person_info[person.id] = {
                "profile": profile,
                "home": home,
                "municipality": self.municipalities.get(municipality),
                "first": None,
            }
        return persons

    # ------------------------------------------------------------
    # Planning sessions
    # ------------------------------------------------------------

    def operators_for(self, desk_key, channel, double=None):
        rng = self.rng
        users = self.users
        if desk_key == "online":
            return users["coordinator"]
        if desk_key == "phone":
            return users["operator"] if rng.random() < 0.8 else users["coordinator"]
        if double is None:
            double = rng.random() < 0.2
        if desk_key == "pioltello":
            if double:
                return users["worker"] | users["educator"]
            return self.pick(
                [
                    (users["operator"], 45),
                    (users["educator"], 25),
                    (users["worker"], 25),
                    (users["coordinator"], 5),
                ]
            )
        if desk_key == "segrate":
            if double:
                return users["worker"] | users["coordinator"]
            return self.pick([(users["worker"], 70), (users["coordinator"], 30)])
        return users["coordinator"] | (
            users["worker"] if double and channel == "home_visit" else users["coordinator"]
        )

    def channel_for(self, desk_key, profile=None):
        rng = self.rng
        if desk_key == "phone":
            return "phone"
        if desk_key == "online":
            return "online" if rng.random() < 0.6 else "email"
        if profile in ("elderly", "isolation") and rng.random() < 0.2:
            return "home_visit"
        if profile == "homeless" and rng.random() < 0.15:
            return "outreach"
        return "in_person" if rng.random() < 0.93 else "phone"

    def needs_for(self, profile, first_code=None):
        rng = self.rng
        areas = PROFILES[profile][0]
        if not first_code:
            area = self.pick([(a, w) for a, w in zip(areas, (6, 3, 2, 1), strict=False)])
            first_code = rng.choice([c for c in self.needs if c.startswith(area + ".")])
        codes = [first_code]
        extra = rng.random()
        if extra < 0.55:
            area = rng.choice(areas)
            code = rng.choice([c for c in self.needs if c.startswith(area + ".")])
            if code not in codes:
                codes.append(code)
        if extra < 0.15:
            code = rng.choice([c for c in self.needs if c.startswith(rng.choice(areas) + ".")])
            if code not in codes:
                codes.append(code)
        return codes

    def services_for(self, codes, person=None, municipality=None, limit=2):
        needs = self.env["social.need"].browse([self.needs[c].id for c in codes])
        age = None
        if person and person.birth_date:
            age = person.age
        candidates = self.services.filtered(
            lambda s: s.need_ids & needs
            and s._is_eligible(age, municipality or (person and person.residence_municipality_id))
        )
        if not candidates:
            return self.env["social.service"]
        ranked = candidates.sorted(lambda s: (-len(s.need_ids & needs), s.id))
        top = ranked[: limit + 2]
        count = min(len(top), self.rng.randint(1, limit))
        return self.env["social.service"].browse(self.rng.sample(top.ids, count))

    def information_for(self, outcome, services):
        names = ", ".join(services.mapped("name"))
        if not services:
            return "Fornite informazioni generali sulla rete dei servizi del Distretto e sugli orari degli sportelli."
        texts = {
            "information": f"Fornite informazioni su: {names}. Spiegati requisiti, documenti necessari e modalità di domanda.",
            "orientation": f"Orientamento verso: {names}. Indicati sede, orari e documenti da portare; consegnato il promemoria scritto.",
            "activation": f"Attivato d'intesa con la persona: {names}. Comunicati tempi di avvio e referenti.",
            "taken_into_care": f"Situazione complessa: concordata la presa in carico con l'assistente sociale; informazioni su {names}.",
            "referral": f"Valutato l'invio a: {names}. Raccolto il consenso e preparata la segnalazione al servizio.",
            "none": "La persona chiedeva solo un'informazione generale: nessun ulteriore intervento.",
        }  # fmt: skip
        return texts[outcome]

    def add_session(self, date, desk_key, person=None, codes=None, outcome=None, request=None, services=None,
                    channel=None, operators=None, state="done", **extra):  # fmt: skip
        """Plan one session (created later, in date order)."""
        rng = self.rng
        info = self.person_info.get(person.id) if person else None
        profile = extra.pop("_profile", None)
        profile = info["profile"] if info else profile or rng.choice(list(PROFILES))
        channel = channel or self.channel_for(desk_key, profile)
        codes = codes or self.needs_for(
            profile, PROFILE_FIRST_NEED.get(profile) if rng.random() < 0.7 else None
        )
        if request is None:
            request = rng.choice(REQUESTS[codes[0]])
        if outcome is None:
            outcome = self.pick([("information", 34), ("orientation", 33), ("activation", 10),
                                 ("taken_into_care", 5), ("none", 6)])  # fmt: skip
        if services is None:
            services = self.services_for(
                codes,
                person,
                extra.get("anon_municipality_id")
                and self.env["social.municipality"].browse(extra["anon_municipality_id"]),
            )
            if outcome == "none":
                services = services[:0]
        vals = {
            "date": date,
            "desk_id": self.desks[desk_key].id,
            "company_id": self.company.id,
            "channel": channel,
            "operator_ids": [(6, 0, (operators or self.operators_for(desk_key, channel)).ids)],
            "person_id": person.id if person else False,
            "request": request,
            "need_ids": [(6, 0, [self.needs[c].id for c in codes])],
            "information_given": self.information_for(outcome, services)
            if state == "done" or rng.random() < 0.5
            else False,
            "service_ids": [(6, 0, services.ids)],
            "outcome": outcome if state == "done" or rng.random() < 0.5 else False,
            "duration": 0.25
            if channel in ("phone", "email", "online")
            else rng.choice([0.5, 0.5, 0.75, 1.0, 1.5]),
        }
        if "sent_by" not in extra:
            vals["sent_by"] = self.pick([("self", 45), ("word_of_mouth", 15), ("municipality", 10), ("health", 10),
                                         ("school", 4), ("partner", 10), ("police", 2), ("other", 4)])  # fmt: skip
            if vals["sent_by"] == "partner":
                vals["sent_by_partner_id"] = self.caritas.id
        area = codes[0].split(".")[0]
        if area in CONFIDENTIAL and rng.random() < 0.35:
            vals["confidential_notes"] = CONFIDENTIAL[area]
        vals.update(extra)
        spec = {"vals": vals, "state": state}
        self.session_specs.append(spec)
        if person and (info["first"] is None or date < info["first"]):
            info["first"] = date
        return spec

    def plan_story(self, p):
        """Coherent multi-session histories for the story persons, with their referrals."""
        u = self.users
        svc = self.service
        add = self.add_session
        # Giovanna Russo: eviction, temporary housing, back on her feet
        g1 = add(
            self.slot("pioltello", 322, 318),
            "pioltello",
            p["giovanna"],
            ["CASA.01", "ECO.02", "FAM.01"],
            "referral",
            "Ho ricevuto lo sfratto per morosità: da quando ho perso il lavoro non riesco più a pagare l'affitto "
            "e ho due bambini piccoli. Non so dove andremo.",
            svc("emergenza_abitativa") | svc("morosita_incolpevole"),
            "in_person",
            u["worker"] | u["educator"],
            sent_by="word_of_mouth",
            confidential_notes="La signora è molto provata; i bambini non sanno ancora dello sfratto.",
        )
        self.plan_referral(
            g1,
            p["giovanna"],
            svc("emergenza_abitativa"),
            "urgent",
            "closed",
            "Sfratto esecutivo fissato tra 40 giorni; madre sola con due figli di 9 e 6 anni, senza rete "
            "familiare. Si chiede la valutazione per un alloggio temporaneo.",
            desk="pioltello",
            outcome="service_activated",
            note="Il nucleo è stato inserito in un alloggio temporaneo del Distretto; avviata la domanda "
            "di casa popolare.",
            delays=(0.2, 1, 3, 58),
        )
        add(
            self.slot("pioltello", 300, 295),
            "pioltello",
            p["giovanna"],
            ["ECO.04", "ECO.01"],
            "orientation",
            "Mi hanno detto che posso chiedere l'Assegno di inclusione: mi aiutate con la domanda?",
            svc("adi") | svc("isee_caf"),
            "in_person",
            u["operator"],
            sent_by="self",
        )
        add(
            self.slot("phone", 205, 195),
            "phone",
            p["giovanna"],
            ["CASA.05"],
            "information",
            "Volevo sapere se posso fare domanda per la casa popolare adesso che siamo nell'alloggio temporaneo.",
            svc("case_popolari"),
            sent_by="self",
        )
        add(
            self.slot("pioltello", 42, 38),
            "pioltello",
            p["giovanna"],
            ["FAM.02", "EDU.04"],
            "activation",
            "Ho trovato un lavoro part-time e non so come fare con i bambini il pomeriggio e quest'estate.",
            svc("doposcuola") | svc("centro_estivo"),
            "in_person",
            u["educator"],
            sent_by="self",
            follow_up_date=self.today + timedelta(days=9),
        )

        # Giuseppe Brivio: elderly man living alone, home care
        add(
            self.slot("phone", 78, 74),
            "phone",
            p["giuseppe"],
            ["ANZ.01", "ANZ.04"],
            "orientation",
            "Mio padre ha 85 anni, vive solo da quando è morta mia madre e dopo la caduta di settembre non riesce "
            "più a lavarsi da solo. Io abito a Bergamo e vengo solo nel fine settimana.",
            svc("sad") | svc("telesoccorso"),
            interlocutor_name="Paola Brivio",
            interlocutor_relation="family",
            sent_by="health",
        )
        b2 = add(
            self.slot("segrate", 70, 66),
            "segrate",
            p["giuseppe"],
            ["ANZ.01", "ANZ.05", "REL.01"],
            "referral",
            "Non ce la faccio più a fare la spesa e a cucinare, e la notte ho paura di cadere di nuovo.",
            svc("sad") | svc("pasti_domicilio") | svc("telesoccorso"),
            "home_visit",
            u["worker"],
            sent_by="municipality",
        )
        self.plan_referral(
            b2,
            p["giuseppe"],
            svc("sad"),
            "normal",
            "in_progress",
            "Anziano solo, parzialmente non autosufficiente dopo una caduta: chiede aiuto per l'igiene "
            "personale tre volte a settimana e per la spesa.",
            desk="segrate",
            delays=(0.1, 4, 12),
        )
        self.plan_referral(
            b2,
            p["giuseppe"],
            svc("telesoccorso"),
            "normal",
            "closed",
            "Vive solo e ha già avuto una caduta notturna: si chiede l'installazione del telesoccorso.",
            outcome="service_activated",
            note="Dispositivo installato; referenti: la figlia e una vicina.",
            delays=(0.1, 2, 5, 9),
        )
        add(
            self.slot("phone", 12, 8),
            "phone",
            p["giuseppe"],
            ["ANZ.04", "ANZ.02"],
            "information",
            "Il SAD viene tre volte a settimana e va bene, ma vorremmo sapere del buono per chi assiste.",
            svc("assegno_cura"),
            interlocutor_name="Paola Brivio",
            interlocutor_relation="family",
            sent_by="self",
            follow_up_date=self.today + timedelta(days=6),
        )

        # Ibrahima Traoré: young asylum seeker
        i1 = add(
            self.slot("pioltello", 152, 146),
            "pioltello",
            p["ibrahima"],
            ["MIG.02", "EDU.02", "LAV.01"],
            "referral",
            "Sono in Italia da otto mesi, ho fatto domanda di asilo e aspetto la Commissione. Vorrei imparare "
            "l'italiano e lavorare.",
            svc("sportello_immigrati") | svc("italiano_l2"),
            "in_person",
            u["worker"] | u["educator"],
            interlocutor_name="Operatore del centro di accoglienza",
            interlocutor_relation="professional",
            interlocutor_organisation="Centro di accoglienza straordinaria di Pioltello",
            sent_by="other",
            confidential_notes=CONFIDENTIAL["MIG"],
        )
        self.plan_referral(
            i1,
            p["ibrahima"],
            svc("sportello_immigrati"),
            "normal",
            "closed",
            "Richiedente asilo in attesa di audizione: serve orientamento sulla procedura e sul rinnovo "
            "del permesso. Parla francese: prevedere il mediatore.",
            outcome="service_activated",
            note="Accompagnato nella preparazione dell'audizione; permesso per richiesta asilo rinnovato.",
            delays=(0.2, 2, 6, 30),
        )
        self.plan_referral(
            i1,
            p["ibrahima"],
            svc("italiano_l2"),
            "normal",
            "closed",
            "Chiede di iscriversi a un corso di italiano; disponibile la mattina.",
            outcome="service_activated",
            note="Iscritto al corso A1 del CPIA, frequenza regolare.",
            delays=(0.2, 3, 10, 20),
        )
        add(
            self.slot("pioltello", 62, 58),
            "pioltello",
            p["ibrahima"],
            ["LAV.01", "LAV.03"],
            "information",
            "Ho finito il corso A1 e adesso posso lavorare: cerco un lavoro o un tirocinio.",
            svc("orientamento_lavoro"),
            "in_person",
            u["operator"],
            sent_by="partner",
            sent_by_partner_id=self.ref("partner_cpia_demo").id,
        )
        i3 = add(
            self.slot("online", 6, 3),
            "online",
            p["ibrahima"],
            ["MIG.02", "LAV.01"],
            "referral",
            "Ho ricevuto la convocazione della Commissione territoriale: posso avere aiuto per prepararmi? "
            "Vorrei anche iscrivermi al Centro per l'impiego.",
            svc("sportello_immigrati") | svc("orientamento_lavoro"),
            "online",
            sent_by="self",
        )
        self.plan_referral(
            i3,
            p["ibrahima"],
            svc("orientamento_lavoro"),
            "normal",
            "sent",
            "Richiedente asilo con corso A1 concluso: chiede l'iscrizione al Centro per l'impiego e un "
            "percorso di tirocinio.",
            sent_hours_ago=20,
        )

        # Rosa Brambilla: reported by a neighbour, then visited at home
        r1 = add(
            self.slot("phone", 36, 34),
            "phone",
            None,
            ["REL.01", "ANZ.02"],
            "orientation",
            "Chiamo per la mia vicina di casa, una signora anziana che vive sola al piano di sopra. Da settimane "
            "non esce più, la sento lamentarsi e la posta si accumula nella cassetta.",
            self.env["social.service"],
            interlocutor_name="Anna Galli",
            interlocutor_relation="neighbour",
            anon_age_band="75_plus",
            anon_gender="female",
            anon_municipality_id=self.municipalities["vimodrone"].id,
            anon_citizenship_group="italian",
            sent_by="word_of_mouth",
            _profile="isolation",
            information_given="Concordata una visita domiciliare dell'assistente sociale di Vimodrone entro pochi giorni.",
        )
        r1["link_person"] = p["rosa"]
        r2 = add(
            self.slot("vimodrone", 33, 29),
            "vimodrone",
            p["rosa"],
            ["ANZ.02", "ANZ.05", "REL.01"],
            "referral",
            "Vivo sola da quando è morto mio marito. Le gambe non mi reggono più e non riesco a scendere le scale "
            "per fare la spesa.",
            svc("punto_insieme") | svc("pasti_domicilio"),
            "home_visit",
            u["coordinator"] | u["worker"],
            sent_by="other",
        )
        self.plan_referral(
            r2,
            p["rosa"],
            svc("punto_insieme"),
            "urgent",
            "accepted",
            "Segnalazione di una vicina, verificata con visita domiciliare: anziana sola, con difficoltà "
            "motorie, alimentazione insufficiente. Si chiede la valutazione multidimensionale a domicilio.",
            origin_type="community",
            reporter_name="Anna Galli, vicina di casa",
            delays=(0.05, 0.5),
        )

        # Samira El Idrissi: emergency, domestic violence, no time for consent
        s1 = add(
            self.slot("segrate", 132, 128),
            "segrate",
            p["samira"],
            ["VIO.01", "FAM.04", "CASA.02"],
            "referral",
            "Mio marito mi picchia da anni; ieri ha minacciato di uccidermi davanti ai bambini. Non posso tornare "
            "a casa.",
            svc("centro_antiviolenza") | svc("casa_rifugio") | svc("pronto_intervento_sociale"),
            "in_person",
            u["worker"] | u["coordinator"],
            sent_by="health",
            confidential_notes="Lesioni refertate ieri al pronto soccorso. Non contattare al numero di casa.",
        )
        self.plan_referral(
            s1,
            p["samira"],
            svc("pronto_intervento_sociale"),
            "emergency",
            "closed",
            "Donna con due figli minori in pericolo immediato: serve una collocazione protetta per la "
            "notte stessa.",
            consent=False,
            legal_basis="Pericolo attuale per l'incolumità della donna e dei figli: trattamento necessario "
            "per la salvaguardia di interessi vitali (art. 9.2.c GDPR). Consenso da raccogliere appena possibile.",
            outcome="service_activated",
            note="Donna e figli accolti in casa rifugio la sera stessa, in raccordo con il centro antiviolenza.",
            delays=(0.02, 0.05, 0.1, 3),
        )

        # Constantin Rusu: homeless man found by the local police
        c1 = add(
            self.slot("phone", 240, 230),
            "phone",
            p["constantin"],
            ["CASA.02", "SAN.01"],
            "referral",
            "Segnalano un uomo che dorme da giorni sotto il portico della stazione: tossisce molto e sembra confuso.",
            svc("pronto_intervento_sociale") | svc("dormitorio") | svc("unita_di_strada"),
            interlocutor_name="Agente della Polizia Locale",
            interlocutor_relation="professional",
            interlocutor_organisation="Polizia Locale di Pioltello",
            sent_by="police",
        )
        self.plan_referral(
            c1,
            p["constantin"],
            svc("pronto_intervento_sociale"),
            "emergency",
            "closed",
            "Persona senza dimora in condizioni di salute precarie: serve un posto letto per stanotte e "
            "una valutazione sanitaria.",
            outcome="service_activated",
            note="Accolto in dormitorio; accompagnato al pronto soccorso per accertamenti.",
            delays=(0.02, 0.05, 0.1, 2),
        )
        add(
            self.slot("pioltello", 210, 200),
            "pioltello",
            p["constantin"],
            ["CASA.02", "MIG.03", "INF.02"],
            "activation",
            "Senza residenza non posso avere il medico né la carta d'identità.",
            svc("residenza_fittizia"),
            "in_person",
            u["worker"],
            sent_by="partner",
            sent_by_partner_id=self.caritas.id,
        )

        # Mario Esposito (the portal citizen): lost his job
        m1 = add(
            self.slot("pioltello", 122, 118),
            "pioltello",
            p["mario"],
            ["LAV.02", "ECO.01"],
            "referral",
            "Ho perso il lavoro in magazzino dopo vent'anni e alla mia età nessuno mi assume. Mia moglie lavora "
            "part-time e non arriviamo a fine mese.",
            svc("orientamento_lavoro") | svc("sfl"),
            "in_person",
            u["operator"],
            sent_by="word_of_mouth",
        )
        self.plan_referral(
            m1,
            p["mario"],
            svc("orientamento_lavoro"),
            "normal",
            "in_progress",
            "Disoccupato da tre mesi dopo vent'anni nello stesso magazzino: chiede un percorso di "
            "riqualificazione (patentino del muletto, logistica).",
            delays=(0.1, 3, 10),
        )
        add(
            self.slot("online", 21, 18),
            "online",
            p["mario"],
            ["INF.04"],
            "information",
            "Ho bisogno di aiuto per attivare lo SPID per fare le domande online.",
            svc("facilitazione_digitale"),
            "online",
            sent_by="self",
        )
        add(
            self.slot("online", 2, 0),
            "online",
            p["mario"],
            ["INF.03", "ECO.04"],
            None,
            "Mi serve l'ISEE aggiornato per il bando affitti: a chi posso rivolgermi?",
            svc("isee_caf"),
            "online",
            state="draft",
            sent_by="self",
        )

    def plan_referral(self, session_spec, person, service, urgency, state, reason, desk=None, outcome=None,
                      note=None, delays=(), consent=True, legal_basis=None, origin_type="desk", reporter_name=None,
                      partner=None, state_reason=None, sent_hours_ago=None):  # fmt: skip
        self.referral_specs.append({
            "session": session_spec, "person": person, "service": service, "urgency": urgency, "state": state,
            "reason": reason, "desk": desk, "outcome": outcome, "note": note, "delays": delays, "consent": consent,
            "legal_basis": legal_basis, "origin_type": origin_type, "reporter_name": reporter_name,
            "partner": partner, "state_reason": state_reason, "sent_hours_ago": sent_hours_ago,
        })  # fmt: skip

    def plan_referral_sessions(self, persons, count):
        """Sessions of the other persons that ended with a referral, of an age fitting the
        state of the referral: closed ones long ago, fresh ones this week."""
        rng = self.rng
        count = max(count, 0)
        for spec in self.session_specs:
            spec["fixed"] = True  # the stories stay as written
        plan = (
            [("draft", 0, 9)] * 4
            + [("sent_overdue", 25, 70)] * 4
            + [("sent", 1, 5)] * 3
            + [("accepted", 10, 40)] * 4
            + [("in_progress", 25, 120)] * 5
            + [("closed", 60, 330)] * 4
            + [("rejected", 30, 300)] * 3
            + [("cancelled", 20, 300)] * 3
        )
        plan = plan[:count] + [("closed", 60, 330)] * max(count - len(plan), 0)
        outcomes = [
            "service_activated",
            "not_eligible",
            "person_declined",
            "unreachable",
            "information_only",
        ]
        professional = self.service("servizio_sociale_professionale")
        emergency_only = self.service("pronto_intervento_sociale") | self.service("casa_rifugio")
        pool = [p for p in persons if p.legal_status != "stp"]
        rng.shuffle(pool)
        for index, (state, lo, hi) in enumerate(plan):
            person = pool[index % len(pool)]
            info = self.person_info[person.id]
            desk_key = info["home"] if rng.random() < 0.85 else "phone"
            codes = self.needs_for(info["profile"], PROFILE_FIRST_NEED.get(info["profile"]))
            # the receiving service answers the main need; a third of the cases go to the
            # municipality's social worker to be taken into care
            targets = (self.services_for(codes[:1], person, limit=1) - emergency_only)[:1]
            takes_care = not targets or rng.random() < 0.3
            target = professional if takes_care else targets
            services = (self.services_for(codes, person) - emergency_only) | target
            spec = self.add_session(
                self.slot(desk_key, hi, lo), desk_key, person, codes, "referral", services=services
            )
            partner = self.caritas if target.provider_id == self.caritas else None
            real_state = "sent" if state == "sent_overdue" else state
            urgency = "normal" if state == "sent" else self.pick([("normal", 80), ("urgent", 20)])
            outcome = None
            if state == "closed":
                outcome = "taken_into_care" if takes_care else outcomes[index % len(outcomes)]
            self.plan_referral(
                spec, person, target, urgency, real_state,
                "La persona riferisce: «%s» %s" % (
                    spec["vals"]["request"],
                    "Si chiede la valutazione dell'assistente sociale per la presa in carico."
                    if takes_care else "Si chiede di valutare l'accesso al servizio.",
                ),
                desk=info["home"] if takes_care else None,
                outcome=outcome,
                partner=partner,
                state_reason=(REJECT_REASONS[index % 3] if state == "rejected"
                              else CANCEL_REASONS[index % 3] if state == "cancelled" else None),
                delays={
                    "draft": (), "sent": (rng.uniform(0.05, 1),), "sent_overdue": (rng.uniform(0.1, 2),),
                    "accepted": (rng.uniform(0.1, 2), rng.uniform(0.5, 4)),
                    "in_progress": (rng.uniform(0.1, 2), rng.uniform(0.5, 4), rng.uniform(1, 10)),
                    "closed": (rng.uniform(0.1, 2), rng.uniform(0.5, 4), rng.uniform(1, 10), rng.uniform(5, 45)),
                    "rejected": (rng.uniform(0.1, 2), rng.uniform(0.5, 5)),
                    "cancelled": (rng.uniform(0.1, 2), rng.uniform(2, 15)),
                }[state],
            )  # fmt: skip

    def plan_random_sessions(self, persons, count, anonymous):
        rng = self.rng
        anonymous = max(min(anonymous, count), 0)
        weights = [rng.choice([1, 1, 1, 2, 2, 3, 4, 6]) for _p in persons]
        # every file starts with a contact: persons without a session come first
        seen = {spec["vals"]["person_id"] for spec in self.session_specs}
        queue = [person for person in persons if person.id not in seen]
        for _index in range(anonymous):
            desk_key = self.pick([("phone", 40), ("pioltello", 20), ("segrate", 12), ("vimodrone", 8),
                                  ("rodano", 5), ("online", 15)])  # fmt: skip
            profile = self.pick(ITALIAN_PROFILES + FOREIGN_PROFILES[:1])
            municipality = self.municipalities[self.pick(MUNICIPALITY_WEIGHTS)]
            age_min, age_max = PROFILES[profile][1]
            age = rng.randint(age_min, age_max)
            extra = {
                "anon_age_band": next(band for limit, band in ((17, "0_17"), (29, "18_29"), (44, "30_44"),
                                                               (64, "45_64"), (74, "65_74"), (200, "75_plus"))
                                      if age <= limit),
                "anon_gender": rng.choice(["female", "male"]) if profile != "violence" else "female",
                "anon_municipality_id": municipality.id,
                "anon_citizenship_group": "non_eu" if profile == "migrant" else self.pick(
                    [("italian", 70), ("eu", 10), ("non_eu", 15), ("unknown", 5)]),
                "_profile": profile,
            }  # fmt: skip
            area = PROFILES[profile][0][0]
            if area in REPORTED and rng.random() < 0.4:
                relation = self.pick(
                    [("family", 5), ("neighbour", 2), ("professional", 2), ("volunteer", 1)]
                )
                who, organisation = rng.choice(INTERLOCUTORS[relation])
                extra.update(
                    interlocutor_name=who.capitalize(),
                    interlocutor_relation=relation,
                    interlocutor_organisation=organisation or False,
                    request=rng.choice(REPORTED[area]),
                )
                codes = self.needs_for(profile)
                codes = [c for c in codes if c.startswith(area)] or [
                    rng.choice([c for c in self.needs if c.startswith(area + ".")])
                ]
                extra["codes"] = codes
            codes = extra.pop("codes", None)
            request = extra.pop("request", None)
            self.add_session(
                self.slot(desk_key, 365, 0),
                desk_key,
                None,
                codes,
                self.pick([("information", 50), ("orientation", 40), ("none", 10)]),
                request,
                **extra,
            )
        for _index in range(count - anonymous):
            person = queue.pop() if queue else rng.choices(persons, weights=weights)[0]
            info = self.person_info[person.id]
            roll = rng.random()
            if roll < 0.65:
                desk_key = info["home"]
            elif roll < 0.85:
                desk_key = "phone"
            elif roll < 0.93 and person.age < 70:
                desk_key = "online"
            else:
                desk_key = self.pick(
                    [("pioltello", 3), ("segrate", 2), ("vimodrone", 1), ("rodano", 1)]
                )
            extra = {}
            area_codes = None
            if (
                info["profile"] in ("elderly", "disability", "youth", "isolation")
                and rng.random() < 0.35
            ):
                relation = self.pick(
                    [("family", 6), ("neighbour", 1), ("professional", 2), ("volunteer", 1)]
                )
                who, organisation = rng.choice(INTERLOCUTORS[relation])
                area = PROFILES[info["profile"]][0][0]
                area_codes = [rng.choice([c for c in self.needs if c.startswith(area + ".")])]
                extra.update(
                    interlocutor_name=who.capitalize(),
                    interlocutor_relation=relation,
                    interlocutor_organisation=organisation or False,
                )
                if area in REPORTED:
                    extra["request"] = rng.choice(REPORTED[area])
            request = extra.pop("request", None)
            self.add_session(
                self.slot(desk_key, 360, 0), desk_key, person, area_codes, None, request, **extra
            )

    # ------------------------------------------------------------
    # Creating the records
    # ------------------------------------------------------------

    def create_sessions(self):
        rng = self.rng
        specs = sorted(self.session_specs, key=lambda s: s["vals"]["date"])
        # drafts: mostly the last weeks' unfinished records, a few forgotten older ones
        referral_sessions = {id(r["session"]) for r in self.referral_specs}
        candidates = [
            s for s in specs
            if s["state"] == "done" and not s.get("fixed") and id(s) not in referral_sessions
        ]  # fmt: skip
        wanted = max(round(len(specs) * 0.15) - sum(1 for s in specs if s["state"] == "draft"), 0)
        recent = [s for s in candidates if s["vals"]["date"] > self.now - timedelta(days=30)]
        chosen = rng.sample(recent, min(len(recent), wanted // 3))
        older = [s for s in candidates if s not in chosen]
        chosen += rng.sample(older, min(len(older), wanted - len(chosen)))
        for spec in chosen:
            spec["state"] = "draft"
        for spec in specs:
            vals = spec["vals"]
            if spec["state"] == "draft" and rng.random() < 0.5 and vals["outcome"] != "referral":
                vals["outcome"] = False
            if (
                spec["state"] == "done"
                and not vals.get("follow_up_date")
                and vals["person_id"]
                and vals["date"] > self.now - timedelta(days=30)
                and rng.random() < 0.5
            ):
                vals["follow_up_date"] = self.today + timedelta(days=rng.randint(2, 20))
            vals["name"] = (
                self.env["ir.sequence"]
                .with_context(ir_sequence_date=fields.Datetime.to_string(vals["date"]))
                .next_by_code("social.listening.session")
            )
        Session = self.env["social.listening.session"].with_context(**self.QUIET)
        by_creator = {}
        for spec in specs:
            creator = self.env["res.users"].browse(spec["vals"]["operator_ids"][0][2][0])
            by_creator.setdefault(creator, []).append(spec)
        for creator, group in by_creator.items():
            records = Session.with_user(creator).sudo().create([s["vals"] for s in group])
            for spec, record in zip(group, records, strict=True):
                spec["record"] = record
        done = Session.browse([s["record"].id for s in specs if s["state"] == "done"])
        done.with_context(**self.QUIET).action_done()
        for spec in specs:
            if spec.get("link_person"):
                spec["record"].with_context(**self.QUIET).write(
                    {"person_id": spec["link_person"].id}
                )
                self.person_info[spec["link_person"].id]["first"] = min(
                    self.person_info[spec["link_person"].id]["first"], spec["vals"]["date"]
                )
        self.session_specs = specs
        self.backdate(
            "social_listening_session", [(s["record"].id, s["vals"]["date"]) for s in specs]
        )

    def create_consents(self):
        rng = self.rng
        Consent = self.env["social.consent"].with_context(**self.QUIET)
        citizen = self.ref("user_citizen_demo").partner_id
        special_areas = {"SAN", "DIS", "VIO", "DIP", "MIG"}
        special_persons = {
            s["record"].person_id.id
            for s in self.session_specs
            if s["record"].person_id
            and any(c.split(".")[0] in special_areas for c in s["record"].need_ids.mapped("code"))
        }
        referred = {r["person"].id for r in self.referral_specs if r["consent"]}
        partnered = {r["person"].id for r in self.referral_specs if r["partner"]}
        samira = self.referral_specs and next(
            (
                r["person"]
                for r in self.referral_specs
                if r["urgency"] == "emergency" and not r["consent"]
            ),
            None,
        )
        vals_list = []
        for person_id, info in self.person_info.items():
            first = info["first"]
            if not first:
                continue
            person = self.env["social.person"].browse(person_id)
            day = first.date()
            if samira and person == samira:
                day = min(day + timedelta(days=3), self.today)
            channel = (
                "portal"
                if person.partner_id == citizen
                else rng.choice(["paper", "paper", "paper", "oral"])
            )
            if person_id in referred or rng.random() < 0.9:
                vals_list.append(
                    {
                        "person_id": person_id,
                        "purpose": "services",
                        "date_given": day,
                        "channel": channel,
                    }
                )
            if person_id in partnered or rng.random() < 0.4:
                vals_list.append(
                    {
                        "person_id": person_id,
                        "purpose": "sharing",
                        "date_given": day,
                        "channel": channel,
                    }
                )
            if rng.random() < 0.5:
                vals_list.append(
                    {
                        "person_id": person_id,
                        "purpose": "contact",
                        "date_given": day,
                        "channel": channel,
                    }
                )
            if person_id in special_persons:
                vals_list.append(
                    {
                        "person_id": person_id,
                        "purpose": "special",
                        "date_given": day,
                        "channel": channel,
                    }
                )
        consents = Consent.create(vals_list)
        for consent in consents:
            self.consents[(consent.person_id.id, consent.purpose)] = consent
        self.backdate(
            "social_consent",
            [(c.id, datetime.combine(c.date_given, time(10, 0))) for c in consents],
        )

    def create_referrals(self):
        rng = self.rng
        Referral = self.env["social.referral"]
        coordinator = self.users["coordinator"]
        worker = self.users["worker"]
        # when each step happened
        for spec in self.referral_specs:
            session = spec["session"]["record"]
            start = session.date + timedelta(minutes=rng.randint(15, 90))
            spec["created_at"] = min(start, self.now - timedelta(minutes=30))
            moments = []
            moment = spec["created_at"]
            if spec["sent_hours_ago"] is not None:
                moments.append(self.now - timedelta(hours=spec["sent_hours_ago"]))
            for delay in spec["delays"]:
                moment = moment + timedelta(days=delay)
                moments.append(moment)
            # keep every step in the past, in order
            ceiling = self.now - timedelta(minutes=20)
            for index in range(len(moments) - 1, -1, -1):
                moments[index] = min(moments[index], ceiling)
                ceiling = moments[index] - timedelta(minutes=5)
            spec["moments"] = [m.replace(microsecond=0) for m in moments]
            spec["created_at"] = min(
                spec["created_at"], (moments[0] if moments else self.now) - timedelta(minutes=5)
            )
        specs = sorted(self.referral_specs, key=lambda r: r["created_at"])
        vals_list = []
        for spec in specs:
            session = spec["session"]["record"]
            service = spec["service"]
            vals = {
                "name": self.env["ir.sequence"]
                .with_context(ir_sequence_date=fields.Datetime.to_string(spec["created_at"]))
                .next_by_code("social.referral"),
                "session_id": session.id,
                "person_id": spec["person"].id,
                "company_id": self.company.id,
                "origin_type": spec["origin_type"],
                "origin_desk_id": session.desk_id.id,
                "reporter_name": spec["reporter_name"] or False,
                "target_service_id": service.id,
                "reason": spec["reason"],
                "urgency": spec["urgency"],
                "legal_basis_note": spec["legal_basis"] or False,
            }
            if spec["partner"]:
                vals["target_partner_id"] = spec["partner"].id
            elif spec["desk"]:
                vals["target_desk_id"] = self.desks[spec["desk"]].id
            else:
                vals["receiving_user_ids"] = [
                    (6, 0, worker.ids if rng.random() < 0.7 else coordinator.ids)
                ]
            if spec["consent"] and not spec["partner"]:
                consent = self.consents.get((spec["person"].id, "services"))
                vals["consent_id"] = consent.id if consent else False
            vals_list.append(vals)
        mark = self.last_message_id()
        referrals = self.env["social.referral"]
        for spec, vals in zip(specs, vals_list, strict=True):
            sender = spec["session"]["record"].operator_ids[:1]
            spec["sender"] = sender
            spec["record"] = (
                Referral.with_user(sender)
                .sudo()
                .with_context(mail_create_nosubscribe=True)
                .create(vals)
            )
            referrals |= spec["record"]
        message_dates = [
            (spec["record"].id, mark, self.last_message_id(), spec["created_at"]) for spec in specs
        ]
        body_fixes = []
        date_vals = {}
        for spec in specs:
            referral = spec["record"]
            state = spec["state"]
            moments = list(spec["moments"])
            if state == "draft":
                continue
            handler = (
                worker
                if worker in referral.receiving_user_ids
                or (referral.target_desk_id and worker in referral.target_desk_id.operator_ids)
                else coordinator
            )
            steps = [("send", spec["sender"])]
            if state in ("accepted", "in_progress", "closed"):
                steps.append(("accept", handler))
            if state in ("in_progress", "closed"):
                steps.append(("start", handler))
            if state == "closed":
                steps.append(("close", handler))
            if state == "rejected":
                steps.append(("reject", handler))
            if state == "cancelled":
                steps.append(("cancel", spec["sender"]))
            dates = {}
            for (step, user), moment in zip(steps, moments, strict=False):
                before = self.last_message_id()
                record = referral.with_user(user).sudo()
                if step == "send":
                    record.action_send()
                    old_deadline = referral.ack_deadline
                    new_deadline = referral._compute_ack_deadline(moment)
                    dates.update(sent_date=moment, ack_deadline=new_deadline)
                    body_fixes.append(
                        (
                            referral.id,
                            before,
                            fields.Datetime.to_string(old_deadline),
                            fields.Datetime.to_string(new_deadline),
                        )
                    )
                elif step == "accept":
                    record.action_accept()
                    dates["accepted_date"] = moment
                elif step == "start":
                    record.action_start()
                    dates["started_date"] = moment
                elif step == "close":
                    record.action_close(
                        spec["outcome"], spec["note"] or CLOSE_NOTES[spec["outcome"]]
                    )
                    dates["closed_date"] = moment
                elif step == "reject":
                    record.action_reject(spec["state_reason"])
                    dates["rejected_date"] = moment
                elif step == "cancel":
                    record.action_cancel(spec["state_reason"])
                    dates["cancelled_date"] = moment
                message_dates.append((referral.id, before, self.last_message_id(), moment))
            date_vals[referral] = dates
        # back to the real moments: fields, messages, pending activities
        for referral, dates in date_vals.items():
            referral.with_context(tracking_disable=True).write(dates)
        self.backdate("social_referral", [(s["record"].id, s["created_at"]) for s in specs])
        if message_dates:
            self.env.cr.execute(SQL(
                """UPDATE mail_message m SET date = v.moment
                     FROM (VALUES %s) AS v(res_id, low, high, moment)
                    WHERE m.model = 'social.referral' AND m.res_id = v.res_id
                      AND m.id > v.low AND m.id <= v.high""",
                SQL(", ").join(SQL("(%s, %s, %s, %s::timestamp)", *row) for row in message_dates),
            ))  # fmt: skip
        if body_fixes:
            self.env.cr.execute(SQL(
                """UPDATE mail_message m SET body = replace(m.body, v.old, v.new)
                     FROM (VALUES %s) AS v(res_id, low, old, new)
                    WHERE m.model = 'social.referral' AND m.res_id = v.res_id AND m.id > v.low""",
                SQL(", ").join(SQL("(%s, %s, %s, %s)", *row) for row in body_fixes),
            ))  # fmt: skip
        pending = [r for r in date_vals if r.state == "sent"]
        if pending:
            self.env.cr.execute(SQL(
                """UPDATE mail_activity a SET date_deadline = v.deadline::date, create_date = v.sent
                     FROM (VALUES %s) AS v(res_id, deadline, sent)
                    WHERE a.res_model = 'social.referral' AND a.res_id = v.res_id""",
                SQL(", ").join(
                    SQL("(%s, %s::timestamp, %s::timestamp)", r.id, date_vals[r]["ack_deadline"], date_vals[r]["sent_date"])
                    for r in pending
                ),
            ))  # fmt: skip
        self.env.invalidate_all()

    def finish(self, stories):
        # the persons' files were opened at their first contact
        firsts = [(pid, info["first"]) for pid, info in self.person_info.items() if info["first"]]
        self.backdate("social_person", firsts)
        if firsts:
            self.env.cr.execute(SQL(
                """UPDATE social_person_access_log l SET date = v.first, create_date = v.first, write_date = v.first
                     FROM (VALUES %s) AS v(person_id, first)
                    WHERE l.person_id = v.person_id""",
                SQL(", ").join(SQL("(%s, %s::timestamp)", pid, first) for pid, first in firsts),
            ))  # fmt: skip
        self.env.invalidate_all()
        # two persons changed their mind about sharing with the network
        sharing = [
            c
            for (pid, purpose), c in sorted(self.consents.items())
            if purpose == "sharing" and pid not in {s["person"].id for s in self.referral_specs}
        ]
        for consent in sharing[:2]:
            consent.action_withdraw()
            consent.write(
                {
                    "date_withdrawn": max(
                        consent.date_given, self.today - timedelta(days=self.rng.randint(5, 60))
                    )
                }
            )
        # sent referrals not acknowledged in time
        self.env["social.referral"]._cron_mark_overdue()

    # ------------------------------------------------------------
    # SQL helpers
    # ------------------------------------------------------------

    def last_message_id(self):
        self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM mail_message"))
        return self.env.cr.fetchone()[0]

    def backdate(self, table, rows):
        """create_date and write_date of `table` rows, as [(id, moment)]: one query."""
        if not rows:
            return
        self.env.cr.execute(SQL(
            """UPDATE %s t SET create_date = v.moment, write_date = v.moment
                 FROM (VALUES %s) AS v(id, moment) WHERE t.id = v.id""",
            SQL.identifier(table),
            SQL(", ").join(SQL("(%s, %s::timestamp)", rid, moment) for rid, moment in rows),
        ))  # fmt: skip
