"""The digital facilitation acts of the demo network's hubs over the last twelve months (the
network addon's part of the demo history; history.py calls it when the addon is installed).
Each act is recorded by one of its hub's operators, at the hub's desk, with a citizen profile
drawn from plausible weights (mostly older people, SPID and INPS)."""

from datetime import date, timedelta

from .names import belfiore_code, numbered_fiscal_code

HUBS = ("caritas_segrate", "caritas_pioltello", "cisl_milano", "appha")
XMLID = "social_secretariat_network.%s"
# first number of the codes drawn here: far from those of the persons (names.py)
CODE_OFFSET = 7_000_000

AGE_BANDS = [("14_17", 1), ("18_29", 6), ("30_54", 25), ("55_74", 42), ("75_plus", 26)]
AGE_YEARS = {"14_17": (14, 17), "18_29": (18, 29), "30_54": (30, 54), "55_74": (55, 74),
             "75_plus": (75, 90)}  # fmt: skip
GENDERS = [("female", 54), ("male", 44), ("non_binary", 1), ("not_said", 1)]
EDUCATION = [
    ("none", 14),
    ("lower_secondary", 34),
    ("upper_secondary", 33),
    ("post_secondary", 4),
    ("degree", 12),
    ("postgraduate", 3),
]
EMPLOYMENT = {
    "14_17": [("student", 1)],
    "18_29": [("student", 4), ("employed", 3), ("unemployed", 3)],
    "30_54": [("employed", 5), ("self_employed", 1), ("unemployed", 3), ("inactive", 2)],
    "55_74": [("employed", 2), ("unemployed", 1), ("retired", 6), ("inactive", 2)],
    "75_plus": [("retired", 1)],
}
CITIZENSHIP = [("italian", 78), ("eu", 6), ("non_eu", 16)]
FOREIGN_BIRTHPLACES = {"eu": ["Romania", "Polonia"], "non_eu": ["Marocco", "Egitto", "Perù"]}
TYPES = [("individual", 82), ("group", 7), ("training_in_person", 6), ("training_online", 3),
         ("other", 2)]  # fmt: skip
# public-service area: (weight, competence codes drawn from)
AREAS = {
    "inps": (24, ["IDENTITA_DIGITALE", "SERVIZI_PUBBLICI_ONLINE"]),
    "health_record": (16, ["IDENTITA_DIGITALE", "SERVIZI_PUBBLICI_ONLINE", "DISPOSITIVI"]),
    "app_io": (12, ["IDENTITA_DIGITALE", "DISPOSITIVI", "PAGAMENTI_ONLINE"]),
    "pagopa": (10, ["PAGAMENTI_ONLINE", "SICUREZZA"]),
    "municipality": (10, ["SERVIZI_PUBBLICI_ONLINE", "CONTENUTI_DIGITALI", "EMAIL_PEC"]),
    "tax": (8, ["IDENTITA_DIGITALE", "SERVIZI_PUBBLICI_ONLINE"]),
    "employment": (8, ["EMAIL_PEC", "CONTENUTI_DIGITALI", "INFORMAZIONE_DATI"]),
    "school": (6, ["SERVIZI_PUBBLICI_ONLINE", "COMUNICAZIONE"]),
    "other": (6, ["SICUREZZA", "COMUNICAZIONE", "PROBLEM_SOLVING", "INFORMAZIONE_DATI"]),
}
DESCRIPTIONS = {
    "inps": ["Domanda Assegno unico", "Estratto contributivo", "Domanda di invalidità civile"],
    "health_record": ["Accesso al Fascicolo sanitario", "Prenotazione visita", "Referti online"],
    "app_io": ["Installazione App IO", "Attivazione notifiche App IO"],
    "pagopa": ["Pagamento avviso pagoPA", "Pagamento TARI"],
    "municipality": ["Certificato anagrafico online", "Iscrizione mensa scolastica"],
    "tax": ["730 precompilato", "Cassetto fiscale"],
    "employment": ["Curriculum e candidatura online", "Iscrizione al Centro per l'impiego"],
    "school": ["Iscrizione scolastica online", "Registro elettronico"],
    "other": ["Riconoscere un messaggio di phishing", "Videochiamata con i familiari"],
}
OUTCOMES = [("completed", 74), ("partial", 14), ("referred", 7), ("not_completed", 5)]
DOCUMENTS = [("passport", 5), ("residence_permit", 4), ("identity_card", 1)]
PROVINCES = [("state_it_mi", 92), ("state_it_mb", 4), ("state_it_lo", 2), ("state_it_bg", 2)]


def pick(rng, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def generate(env, rng, today, count=300):
    """`count` facilitation acts over the twelve months before `today`, as the superuser (the
    caller's env), each by an operator of its hub. Returns how many were created (0 without
    the hubs of the demo)."""
    hubs = [env.ref(XMLID % f"member_{name}_demo", raise_if_not_found=False) for name in HUBS]
    hubs = [hub for hub in hubs if hub and hub.is_active and hub.operator_ids.user_id]
    if not hubs:
        return 0
    competences = {c.code: c for c in env["social.digital.competence"].search([])}
    provinces = [(env.ref(f"base.{xmlid}"), weight) for xmlid, weight in PROVINCES]
    vals_list = []
    for number in range(count):
        hub = rng.choice(hubs)
        band = pick(rng, AGE_BANDS)
        gender = pick(rng, GENDERS)
        citizenship = pick(rng, CITIZENSHIP)
        area = pick(rng, [(key, weight) for key, (weight, _codes) in AREAS.items()])
        act_type = pick(rng, TYPES)
        vals = {
            "member_id": hub.id,
            "desk_id": hub.desk_ids[:1].id,
            "user_id": rng.choice(hub.operator_ids.user_id).id,
            "gender": gender,
            "age_band": band,
            "education_level": pick(rng, EDUCATION),
            "employment_status": pick(rng, EMPLOYMENT[band]),
            "citizenship": citizenship,
            "province_id": pick(rng, provinces).id,
            "date": today - timedelta(days=rng.randrange(365)),
            "duration": rng.choice((15, 20, 30, 30, 30, 45, 45, 60))
            * (3 if act_type.startswith("training") else 1),
            "assistance_type": act_type,
            "service_area": area,
            "competence_ids": [
                (6, 0, [competences[c].id for c in rng.sample(AREAS[area][1], k=rng.randint(1, 2))])
            ],
            "outcome": pick(rng, OUTCOMES),
            "description": rng.choice(DESCRIPTIONS[area]) if rng.random() < 0.7 else False,
        }
        if citizenship != "italian" and rng.random() < 0.35:
            # a newcomer without a codice fiscale yet: the document shown
            vals["document_type"] = pick(rng, DOCUMENTS)
            vals["document_number"] = f"{rng.choice('XYZ')}{rng.randrange(10**6, 10**7)}"
        else:
            low, high = AGE_YEARS[band]
            birth = date(
                today.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28)
            )
            place = (
                belfiore_code(rng.choice(FOREIGN_BIRTHPLACES[citizenship]))
                if citizenship != "italian"
                else rng.choice(("G686", "I577", "F205", "M053"))
            )
            vals["fiscal_code"] = numbered_fiscal_code(
                CODE_OFFSET + number, birth, gender == "female", place
            )
        vals_list.append(vals)
    env["social.digital.assistance"].with_context(tracking_disable=True).create(vals_list)
    return len(vals_list)
