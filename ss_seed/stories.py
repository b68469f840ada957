"""The stories the demo tells: coherent multi-session histories of the story persons
(demo/social_person_demo.xml), with their referrals, at moments relative to today."""

from datetime import timedelta

from .profiles import CONFIDENTIAL


class StoriesMixin:
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
