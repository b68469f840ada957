#!/usr/bin/env python3
"""Seed a benchmark database for the core addon (social_secretariat).

Two phases, each its own run of this script on an installed database:

  --phase small   with the ORM: 5 municipalities, 20 desks, 60 operators (3 a desk, one
                  desk each), 10 social workers, 2 coordinators, a taxonomy of needs (the
                  addon's own when it is loaded, else a bench one of 40), 8 services and 3
                  persons made by the ORM (the reference for the bulk rows). The setup is
                  recorded in the ir.config_parameter `ss_bench.setup` (JSON).
  --phase bulk    with batched SQL (COPY and INSERT ... SELECT FROM generate_series):
                  100k persons with their contacts, 1M listening sessions with their needs
                  and operators, ~20k referrals; then VACUUM ANALYZE. --scale multiplies
                  the counts.

Usage: seed_core.py -c odoo.conf -d DB --phase small|bulk [--scale 1.0]
"""

import argparse
import io
import json
import random
import sys
import time
from datetime import date, timedelta

import psycopg2
from stdnum.it.codicefiscale import calc_check_digit

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.sql_db import connection_info_for
from odoo.tools import SQL, config

SETUP_KEY = "ss_bench.setup"
PERSONS = 100_000
SESSIONS = 1_000_000
YEARS = 3
REFERRAL_EVERY = 42  # one done session with a person in 42 leads to a referral (~20k)

MUNICIPALITIES = [
    # name, ISTAT, cadastral (Belfiore), ZIP
    ("Pioltello", "015175", "G686", "20096"),
    ("Segrate", "015205", "I577", "20054"),
    ("Vimodrone", "015242", "M053", "20055"),
    ("Cernusco sul Naviglio", "015070", "C523", "20063"),
    ("Cassina de' Pecchi", "015058", "C014", "20051"),
]
# Desks of each municipality: (label, kind). The second one receives the referrals.
DESKS = [
    ("Sportello", "front_office"),
    ("Servizio sociale", "front_office"),
    ("Linea telefonica", "phone_line"),
    ("Sportello di prossimità", "outreach"),
]
# Countries of birth / citizenship of foreign-born persons: (xmlid, Belfiore code, weight)
FOREIGN = [
    ("base.ro", "Z129", "Romania", 4),
    ("base.de", "Z112", "Germania", 1),
    ("base.ma", "Z330", "Marocco", 4),
    ("base.al", "Z100", "Albania", 3),
    ("base.ua", "Z138", "Ucraina", 2),
    ("base.sn", "Z343", "Senegal", 1),
    ("base.eg", "Z336", "Egitto", 2),
    ("base.cn", "Z210", "Repubblica Popolare Cinese", 1),
    ("base.ph", "Z216", "Filippine", 1),
]
FIRST_F = (
    "Giulia Sara Anna Maria Francesca Chiara Laura Elena Martina Alessia Valentina Paola "
    "Silvia Federica Roberta Giovanna Lucia Teresa Rosa Angela Ioana Fatima Amina Olena Mei"
).split()
FIRST_M = (
    "Marco Luca Giuseppe Giovanni Antonio Francesco Alessandro Andrea Matteo Paolo Stefano "
    "Roberto Davide Simone Mario Luigi Salvatore Vincenzo Pietro Carlo Mihai Ahmed Youssef "
    "Arben Mamadou"
).split()
LAST = (
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani "
    "Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra "
    "Coppola De Santis D'Angelo Marchetti Parisi Villa Conte Ferri Fabbri Bianco Marini Grasso "
    "Valentini Messina Sala De Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti "
    "Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti "
    "Barone Rossetti Caputo Montanari Guerra Palmieri Bernardi Martino Fiore De Rosa Ferretti "
    "Bellini Basile Riva Donati Piras Vitali Battaglia Sartori Neri Costantini Milani Pagano "
    "Ruggiero Sorrentino D'Amico Orlando Damico Negri Popescu Ionescu El Amrani Hoxha Kovalenko "
    "Diallo Hassan Chen Santos"
).split()
BENCH_NEEDS = [
    # (code, name, special, [sub-needs])
    ("BX.ECO", "Economic hardship", False, ["Income", "Debts", "Bills", "Benefits"]),
    ("BX.LAV", "Work", False, ["Job search", "Training", "Job loss", "Exploitation"]),
    ("BX.CAS", "Housing", False, ["Eviction", "Rent", "Public housing", "Homelessness"]),
    ("BX.ANZ", "Elderly", False, ["Home care", "Residential care", "Caregivers", "Meals"]),
    ("BX.FAM", "Family and minors", False, ["Parenting", "Childcare", "Separation", "Benefits"]),
    ("BX.INF", "Information", False, ["Services", "Paperwork", "ISEE", "Digital identity"]),
    ("BX.VIO", "Violence", True, ["Domestic", "Minors", "Vulnerable adults", "Stalking"]),
    ("BX.DIP", "Addiction", True, ["Alcohol", "Drugs", "Gambling", "Relatives"]),
]


def log(message):
    print(message, flush=True)


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            log(f"  {self.label:<58} {time.perf_counter() - self.start:7.1f} s")


# ----------------------------------------------------------------
# Codici fiscali: unique by construction, valid check character
# ----------------------------------------------------------------

MONTHS = "ABCDEHLMPRST"


def fiscal_code(number, birth_date, female, belfiore):
    """A valid codice fiscale whose six name letters encode `number` (base 26): unique for
    every number below 26**6, whatever the date and the place."""
    number = number * 11_400_811 % 26**6  # a bijection: the codes look scattered
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 26)
        letters.append(chr(65 + digit))
    day = birth_date.day + (40 if female else 0)
    code = (
        "".join(reversed(letters))
        + f"{birth_date.year % 100:02d}"
        + MONTHS[birth_date.month - 1]
        + f"{day:02d}"
        + belfiore
    )
    return code + calc_check_digit(code)


# ----------------------------------------------------------------
# Bootstrap
# ----------------------------------------------------------------


def open_registry(conf, db):
    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"], setup_logging=True)
    return odoo.modules.registry.Registry(db)


def setup_of(env):
    raw = env["ir.config_parameter"].sudo().get_param(SETUP_KEY)
    if not raw:
        sys.exit(f"{env.cr.dbname}: no {SETUP_KEY}: run the small phase first")
    return json.loads(raw)


# ----------------------------------------------------------------
# Phase small: the ORM
# ----------------------------------------------------------------


def phase_small(env):
    if env["ir.config_parameter"].sudo().get_param(SETUP_KEY):
        sys.exit(f"{env.cr.dbname} already has its small setup")
    env = env(
        context={"tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True}
    )
    company = env.ref("base.main_company")
    company.write({"name": "Ambito di Pioltello (bench)"})
    with Timer("municipalities, desks"):
        municipalities = env["social.municipality"].create(
            [
                {
                    "name": name,
                    "istat_code": istat,
                    "cadastral_code": cadastral,
                    "province": "MI",
                    "zip": zip_code,
                    "company_id": company.id,
                }
                for name, istat, cadastral, zip_code in MUNICIPALITIES
            ]
        )
        desks = env["social.desk"].create(
            [
                {
                    "name": f"{label} {municipality.name}",
                    "kind": kind,
                    "municipality_id": municipality.id,
                    "company_id": company.id,
                    "city": municipality.name,
                }
                for municipality in municipalities
                for label, kind in DESKS
            ]
        )
    groups = {
        name: env.ref(f"social_secretariat.group_social_{name}")
        for name in ("operator", "worker", "coordinator")
    }
    rnd = random.Random(7)

    def user_vals(login, group, desk_ids):
        first = rnd.choice(FIRST_F + FIRST_M)
        return {
            "name": f"{first} {rnd.choice(LAST)} ({login})",
            "login": login,
            "email": f"{login}@bench.example.org",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set(groups[group].ids)],
            "social_desk_ids": [Command.set(desk_ids)],
            "tz": "Europe/Rome",
        }

    vals_list = [
        user_vals(f"op{d + 1:02d}{k + 1}", "operator", [desk.id])
        for d, desk in enumerate(desks)
        for k in range(3)
    ]
    worker_desks = [desks[m * len(DESKS) + 1] for m in range(len(municipalities))]
    vals_list += [
        user_vals(f"aw{m + 1}{k + 1}", "worker", [desk.id])
        for m, desk in enumerate(worker_desks)
        for k in range(2)
    ]
    vals_list += [user_vals(f"coord{k + 1}", "coordinator", []) for k in range(2)]
    with Timer(f"{len(vals_list)} users (one create call)"):
        users = env["res.users"].create(vals_list)
    operators = users[: 3 * len(desks)]
    workers = users[3 * len(desks) : -2]
    coordinators = users[-2:]
    company.social_coordinator_id = coordinators[0]

    with Timer("needs, services"):
        needs = env["social.need"].search([("child_ids", "=", False)])
        special = needs.filtered("is_special_category")
        if len(needs) < 20 or len(special) < 3 or len(needs - special) < 15:
            for code, name, is_special, children in BENCH_NEEDS:
                env["social.need"].create(
                    {
                        "code": code,
                        "name": name,
                        "is_special_category": is_special,
                        "child_ids": [
                            Command.create(
                                {
                                    "code": f"{code}.{i + 1:02d}",
                                    "name": child,
                                    "is_special_category": is_special,
                                }
                            )
                            for i, child in enumerate(children)
                        ],
                    }
                )
            needs = env["social.need"].search(
                [("code", "=like", "BX.%"), ("child_ids", "=", False)]
            )
            special = needs.filtered("is_special_category")
        normal = needs - special
        services = env["social.service"].create(
            [
                {
                    "name": f"Servizio {i + 1}",
                    "company_id": company.id,
                    "need_ids": [Command.set(normal[i::8].ids)],
                    "is_published": True,
                }
                for i in range(8)
            ]
        )

    with Timer("3 reference persons (ORM)"):
        italy = env.ref("base.it")
        persons = env["social.person"].create(
            [
                {
                    "first_name": "Riferimento",
                    "last_name": f"Bench {k + 1}",
                    "fiscal_code": fiscal_code(
                        26**5 + k, date(1970 + k, 3, 1 + k), k == 1, MUNICIPALITIES[k][2]
                    ),
                    "birth_date": date(1970 + k, 3, 1 + k),
                    "gender": "female" if k == 1 else "male",
                    "birth_country_id": italy.id,
                    "citizenship_id": italy.id,
                    "residence_municipality_id": municipalities[k].id,
                    "domicile_municipality_id": municipalities[k].id,
                    "mobile": f"+39 347 000 00{k + 1:02d}",
                    "email": f"riferimento.bench{k + 1}@example.org",
                    "company_id": company.id,
                }
                for k in range(3)
            ]
        )

    # this year's numbering exists in both databases: creating a session does not create it
    for code in ("social.listening.session", "social.referral"):
        sequence = env["ir.sequence"].search([("code", "=", code)], limit=1)
        if sequence:
            sequence._get_current_sequence()

    setup = {
        "company": company.id,
        "municipalities": municipalities.ids,
        "desks": desks.ids,
        "desk_operators": [operators[3 * d : 3 * d + 3].ids for d in range(len(desks))],
        "workers": [workers[2 * m : 2 * m + 2].ids for m in range(len(municipalities))],
        "coordinators": coordinators.ids,
        "needs_normal": normal.ids,
        "needs_special": special.ids,
        "services": services.ids,
        "reference_persons": persons.ids,
    }
    env["ir.config_parameter"].sudo().set_param(SETUP_KEY, json.dumps(setup))
    log(
        f"  setup: {len(desks)} desks, {len(operators)} operators, {len(workers)} workers, "
        f"{len(coordinators)} coordinators, {len(normal)}+{len(special)} needs (normal+special)"
    )


# ----------------------------------------------------------------
# Phase bulk: SQL
# ----------------------------------------------------------------


def reserve_ids(cr, table, count):
    """Take `count` consecutive ids from the table's sequence: the first one."""
    cr.execute(SQL("SELECT nextval(%s)", f"{table}_id_seq"))
    first = cr.fetchone()[0]
    cr.execute(SQL("SELECT setval(%s, %s)", f"{table}_id_seq", first + count - 1))
    return first


def columns_of(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def insert_like(cr, table, template_id, own, source, where=None):
    """INSERT INTO table SELECT ... FROM source (aliased s), the row `template_id` of the table
    (aliased t): the columns of `own` ({column: SQL}) from the source, every other column (those
    other modules add included) copied from the template, a row made by the ORM."""
    columns = columns_of(cr, table)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s, %s t WHERE t.id = %s AND (%s)",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(own.get(c, SQL("t.%s", SQL.identifier(c))) for c in columns),
            source,
            SQL.identifier(table),
            template_id,
            where or SQL("TRUE"),
        )
    )


def copy_rows(cr, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def person_rows(env, setup, count, now):
    """The persons, generated in Python (their codici fiscali need the check character)."""
    rnd = random.Random(42)
    italy = env.ref("base.it").id
    europe = env.ref("base.europe", raise_if_not_found=False)
    eu_ids = set(europe.country_ids.ids) if europe else set()
    foreign = []
    for xmlid, belfiore, birthplace, weight in FOREIGN:
        country = env.ref(xmlid).id
        group = "eu" if country in eu_ids else "non_eu"
        foreign += [(country, belfiore, group, birthplace)] * weight
    municipalities = setup["municipalities"]
    operators = setup["desk_operators"]
    span = YEARS * 365 * 86400
    start = now - timedelta(seconds=span)
    for n in range(1, count + 1):
        female = rnd.random() < 0.52
        first = rnd.choice(FIRST_F if female else FIRST_M)
        last = rnd.choice(LAST)
        birth = date(1935, 1, 1) + timedelta(days=rnd.randrange(26_000))
        m = (n - 1) % len(municipalities)
        if rnd.random() < 0.82:
            country, belfiore, group = italy, MUNICIPALITIES[m][2], "italian"
            birthplace = MUNICIPALITIES[m][0]
            citizenship, status = italy, "resident"
        else:
            country, belfiore, group, birthplace = rnd.choice(foreign)
            citizenship = country
            status = rnd.choice(("resident", "entitled", "entitled", "refugee", "asylum_seeker"))
        code, stp = fiscal_code(n, birth, female, belfiore), None
        if group == "non_eu" and rnd.random() < 0.1:
            code, stp, status = None, f"STP{150000000000 + n:013d}"[:16], "stp"
        mobile = e164 = email = None
        if rnd.random() < 0.7:
            digits = f"{330 + n % 60}{n:07d}"
            mobile = f"+39 {digits[:3]} {digits[3:6]} {digits[6:]}"
            e164 = f"+39{digits}"
        if rnd.random() < 0.3:
            email = f"{first}.{last}.{n}@example.org".lower().replace(" ", "").replace("'", "")
        desk = m * len(DESKS) + rnd.randrange(len(DESKS))
        creator = operators[desk][rnd.randrange(3)]
        created = start + timedelta(seconds=span * (n - 1) / count)
        yield (
            n,
            first,
            last,
            "female" if female else "male",
            birth.isoformat(),
            code,
            stp,
            birthplace,
            country,
            citizenship,
            group,
            status,
            municipalities[m],
            mobile,
            e164,
            email,
            created.isoformat(sep=" "),
            creator,
            rnd.random() < 0.04,  # homeless
            group == "non_eu" and rnd.random() < 0.3,  # needs an interpreter
        )


PERSON_STAGE = [
    ("n", "int"),
    ("first_name", "varchar"),
    ("last_name", "varchar"),
    ("gender", "varchar"),
    ("birth_date", "date"),
    ("fiscal_code", "varchar"),
    ("stp_code", "varchar"),
    ("birthplace", "varchar"),
    ("birth_country_id", "int"),
    ("citizenship_id", "int"),
    ("citizenship_group", "varchar"),
    ("legal_status", "varchar"),
    ("municipality_id", "int"),
    ("mobile", "varchar"),
    ("e164", "varchar"),
    ("email", "varchar"),
    ("created", "timestamp"),
    ("create_uid", "int"),
    ("is_homeless", "boolean"),
    ("needs_interpreter", "boolean"),
]


def seed_persons(env, setup, count, now):
    cr = env.cr
    with Timer(f"{count} persons generated (Python) and COPied to a stage"):
        cr.execute(
            "CREATE TEMP TABLE bench_person_stage (%s) ON COMMIT DROP"
            % ", ".join(f"{name} {kind}" for name, kind in PERSON_STAGE)
        )
        copy_rows(
            cr,
            "bench_person_stage",
            [name for name, _kind in PERSON_STAGE],
            person_rows(env, setup, count, now),
        )
    partner_base = reserve_ids(cr, "res_partner", count)
    person_base = reserve_ids(cr, "social_person", count)
    # res_partner: the columns other modules add are copied from a partner made by the ORM
    template = env["social.person"].browse(setup["reference_persons"][0]).partner_id.id
    own = {
        "id": SQL("%s + s.n - 1", partner_base),
        "name": SQL("s.first_name || ' ' || s.last_name"),
        "complete_name": SQL("s.first_name || ' ' || s.last_name"),
        "commercial_partner_id": SQL("%s + s.n - 1", partner_base),
        "company_id": SQL("%s", setup["company"]),
        "email": SQL("s.email"),
        "email_normalized": SQL("s.email"),
        "mobile": SQL("s.mobile"),
        "phone": SQL("NULL"),
        "phone_sanitized": SQL("s.e164"),
        "street": SQL("NULL"),
        "city": SQL("NULL"),
        "zip": SQL("NULL"),
        "create_uid": SQL("s.create_uid"),
        "write_uid": SQL("s.create_uid"),
        "create_date": SQL("s.created"),
        "write_date": SQL("s.created"),
    }
    with Timer(f"{count} res_partner rows (INSERT ... SELECT)"):
        insert_like(cr, "res_partner", template, own, SQL("bench_person_stage s"))
    with Timer(f"{count} social_person rows (INSERT ... SELECT)"):
        cr.execute(
            SQL(
                """
                INSERT INTO social_person (
                    id, partner_id, birth_country_id, citizenship_id, residence_municipality_id,
                    domicile_municipality_id, company_id, create_uid, write_uid, first_name,
                    last_name, name, phone_search, fiscal_code, stp_code, gender, birthplace,
                    citizenship_group, legal_status, address, birth_date, household_notes,
                    is_homeless, needs_interpreter, is_anonymised, active, create_date, write_date)
                SELECT %(person)s + n - 1, %(partner)s + n - 1, birth_country_id, citizenship_id,
                    municipality_id, municipality_id, %(company)s, create_uid, create_uid,
                    first_name, last_name, first_name || ' ' || last_name, e164, fiscal_code,
                    stp_code, gender, birthplace, citizenship_group, legal_status,
                    CASE WHEN NOT is_homeless THEN 'Via Roma ' || (mod(n, 200) + 1) END, birth_date,
                    NULL, is_homeless, needs_interpreter, false, true, created, created
                FROM bench_person_stage
                """,
                person=person_base,
                partner=partner_base,
                company=setup["company"],
            )
        )
    return person_base


def seed_sessions(env, setup, count, persons, person_base, now):
    cr = env.cr
    session_base = reserve_ids(cr, "social_listening_session", count)
    span = YEARS * 365 * 86400 - 4 * 3600  # the newest session is 4 hours old
    params = {
        "n": count,
        "p": persons,
        "base": session_base,
        "person_base": person_base,
        "start": now - timedelta(seconds=YEARS * 365 * 86400),
        "now": now,
        "step": span / count,
        "desks": setup["desks"],
        "ops": [uid for trio in setup["desk_operators"] for uid in trio],
        "munis": setup["municipalities"],
        "ndesk": len(DESKS),
        "nmuni": len(setup["municipalities"]),
    }
    with Timer(f"{count} sessions drawn (temp table)"):
        cr.execute("SELECT setseed(0.42)")
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE bench_sess ON COMMIT DROP AS
                WITH g AS (
                    SELECT i, random() r_anon, random() r_freq, random() r_person,
                        random() r_desk, random() r_op, random() r_op2, random() r_spec,
                        random() r_nc1, random() r_nc2, random() r_need, random() r_state,
                        random() r_chan, random() r_out, random() r_jit, random() r_dur
                    FROM generate_series(1, %(n)s) i
                ), h AS (
                    SELECT g.*,
                        %(start)s::timestamp
                            + make_interval(secs => ((i - 1) + r_jit) * %(step)s) AS date,
                        CASE WHEN r_anon < 0.15 THEN NULL
                            WHEN r_freq < 0.5 THEN 1 + floor(r_person * %(p)s * 0.1)::int
                            ELSE 1 + floor(r_person * %(p)s)::int END AS pn
                    FROM g
                ), k AS (
                    SELECT h.*,
                        CASE WHEN pn IS NULL THEN floor(r_desk * %(ndesk)s * %(nmuni)s)::int
                            ELSE mod(pn - 1, %(nmuni)s) * %(ndesk)s
                                + floor(r_desk * %(ndesk)s)::int
                        END AS desk_idx,
                        floor(r_op * 3)::int AS op_k
                    FROM h
                )
                SELECT i, %(base)s + i - 1 AS id, date, pn,
                    CASE WHEN pn IS NOT NULL THEN %(person_base)s + pn - 1 END AS person_id,
                    desk_idx, desk_idx / %(ndesk)s AS muni_idx,
                    (%(desks)s::int[])[desk_idx + 1] AS desk_id,
                    (%(ops)s::int[])[desk_idx * 3 + op_k + 1] AS op1,
                    CASE WHEN r_op2 < 0.4
                        THEN (%(ops)s::int[])[desk_idx * 3 + mod(op_k + 1, 3) + 1] END AS op2,
                    r_spec < 0.05 AS special,
                    1 + (r_nc1 < 0.6)::int + (r_nc2 < 0.4)::int AS nc,
                    r_need, r_out, r_dur,
                    CASE WHEN date > %(now)s::timestamp - interval '30 days'
                        THEN CASE WHEN r_state < 0.3 THEN 'draft' ELSE 'done' END
                        ELSE CASE WHEN r_state < 0.03 THEN 'cancelled' ELSE 'done' END
                    END AS state,
                    CASE WHEN r_chan < 0.55 THEN 'in_person' WHEN r_chan < 0.85 THEN 'phone'
                        WHEN r_chan < 0.90 THEN 'email' WHEN r_chan < 0.95 THEN 'online'
                        WHEN r_chan < 0.98 THEN 'home_visit' ELSE 'outreach' END AS channel
                FROM k
                """,
                **params,
            )
        )
    with Timer(f"{count} social_listening_session rows"):
        cr.execute(
            SQL(
                """
                INSERT INTO social_listening_session (
                    id, name, date, duration, desk_id, company_id, channel, person_id,
                    is_anonymous, anon_age_band, anon_gender, anon_municipality_id,
                    anon_citizenship_group, sent_by, request, is_special_category, outcome,
                    state, active, create_uid, write_uid, create_date, write_date)
                SELECT id,
                    'COL/' || extract(year FROM date)::int || '/' || lpad(rn::text,
                        greatest(5, length(rn::text)), '0'),
                    date, 0.25 * (1 + floor(r_dur * 4)), desk_id, %(company)s, channel,
                    person_id, person_id IS NULL,
                    CASE WHEN person_id IS NULL THEN (ARRAY['0_17', '18_29', '30_44', '45_64',
                        '65_74', '75_plus', 'unknown'])[1 + mod(i, 7)] END,
                    CASE WHEN person_id IS NULL THEN (ARRAY['female', 'male', 'female'])[1 + mod(i, 3)]
                        END,
                    CASE WHEN person_id IS NULL THEN (%(munis)s::int[])[muni_idx + 1] END,
                    CASE WHEN person_id IS NULL THEN (ARRAY['italian', 'italian', 'eu', 'non_eu',
                        'unknown'])[1 + mod(i, 5)] END,
                    (ARRAY['self', 'word_of_mouth', 'municipality', 'health', 'school', 'partner',
                        'self', 'self'])[1 + mod(i, 8)],
                    'Richiesta del colloquio ' || i,
                    special,
                    CASE WHEN state <> 'done' THEN NULL
                        WHEN mod(i, %(every)s) = 0 AND person_id IS NOT NULL THEN 'referral'
                        ELSE (ARRAY['information', 'orientation', 'orientation', 'activation',
                            'taken_into_care', 'none'])[1 + floor(r_out * 6)::int] END,
                    state, true, op1, op1, date, date
                FROM (SELECT s.*, row_number() OVER (
                        PARTITION BY extract(year FROM date) ORDER BY i) AS rn
                      FROM bench_sess s) numbered
                """,
                company=setup["company"],
                munis=params["munis"],
                every=REFERRAL_EVERY,
            )
        )
    normal, special = setup["needs_normal"], setup["needs_special"]
    stride = 7 if len(normal) >= 15 else 1
    with Timer("social_session_need_rel (1-3 needs a session)"):
        cr.execute(
            SQL(
                """
                INSERT INTO social_session_need_rel (session_id, need_id)
                SELECT id, CASE WHEN j = 0 AND special
                        THEN (%(special)s::int[])[1 + floor(r_need * %(ns)s)::int]
                        ELSE (%(normal)s::int[])[1 + mod(floor(r_need * %(nn)s)::int
                            + j * %(stride)s, %(nn)s)] END
                FROM bench_sess, generate_series(0, 2) j
                WHERE j < least(nc, %(nn)s)
                ON CONFLICT DO NOTHING
                """,
                special=special,
                normal=normal,
                ns=len(special),
                nn=len(normal),
                stride=stride,
            )
        )
    with Timer("social_session_operator_rel (1-2 operators a session)"):
        cr.execute(
            """
            INSERT INTO social_session_operator_rel (session_id, user_id)
            SELECT id, op1 FROM bench_sess
            UNION ALL
            SELECT id, op2 FROM bench_sess WHERE op2 IS NOT NULL
            """
        )
    with Timer("social_person_met_desk_rel / _met_operator_rel (stored: who met whom where)"):
        cr.execute(
            """
            INSERT INTO social_person_met_desk_rel (person_id, desk_id)
            SELECT DISTINCT person_id, desk_id FROM bench_sess WHERE person_id IS NOT NULL
            """
        )
        cr.execute(
            """
            INSERT INTO social_person_met_operator_rel (person_id, user_id)
            SELECT DISTINCT s.person_id, o.user_id
            FROM bench_sess s JOIN social_session_operator_rel o ON o.session_id = s.id
            WHERE s.person_id IS NOT NULL
            """
        )
    with Timer("persons created at their first session"):
        cr.execute(
            """
            WITH first AS (
                SELECT person_id, min(date) - interval '10 minutes' AS d
                FROM bench_sess WHERE person_id IS NOT NULL GROUP BY person_id
            ), p AS (
                UPDATE social_person p SET create_date = first.d, write_date = first.d
                FROM first WHERE p.id = first.person_id
                RETURNING p.partner_id, first.d
            )
            UPDATE res_partner r SET create_date = p.d, write_date = p.d
            FROM p WHERE r.id = p.partner_id
            """
        )


def seed_referrals(env, setup, now):
    cr = env.cr
    cr.execute(
        "CREATE TEMP TABLE bench_ref ON COMMIT DROP AS "
        "SELECT row_number() OVER (ORDER BY i) AS k, s.i, s.id, s.date, s.person_id, s.desk_id, "
        "s.muni_idx, s.op1, random() r1, random() r2, random() r3, "
        "random() r4 FROM bench_sess s "
        "WHERE s.state = 'done' AND s.person_id IS NOT NULL AND s.i %% %s = 0" % REFERRAL_EVERY
    )
    cr.execute("SELECT count(*) FROM bench_ref")
    count = cr.fetchone()[0]
    base = reserve_ids(cr, "social_referral", count)
    workers = [uid for pair in setup["workers"] for uid in pair]
    with Timer(f"{count} social_referral rows"):
        cr.execute(
            SQL(
                """
                INSERT INTO social_referral (
                    id, name, session_id, person_id, company_id, origin_type, origin_desk_id,
                    target_service_id, target_desk_id, reason, urgency, legal_basis_note, state,
                    sent_date, sent_uid, ack_deadline, is_overdue, accepted_date, accepted_uid,
                    started_date, closed_date, closed_uid, outcome, outcome_note, rejected_date,
                    cancelled_date, state_reason, create_uid, write_uid, create_date, write_date)
                SELECT %(base)s + k - 1,
                    'INV/' || extract(year FROM sent)::int || '/'
                        || lpad(rn::text, greatest(5, length(rn::text)), '0'),
                    id, person_id, %(company)s, 'desk', desk_id,
                    (%(services)s::int[])[1 + mod(k, %(nservices)s)::int],
                    (%(desks)s::int[])[muni_idx * %(ndesk)s + 2],
                    'Invio dal colloquio ' || i, urgency,
                    CASE WHEN urgency = 'emergency' THEN 'Pericolo immediato' END,
                    state,
                    CASE WHEN state <> 'draft' THEN sent END,
                    CASE WHEN state <> 'draft' THEN op1 END,
                    CASE WHEN state <> 'draft' THEN deadline END,
                    -- half of the sent ones past their deadline are still to be flagged
                    state = 'sent' AND deadline < %(now)s::timestamp AND r2 >= 0.5,
                    CASE WHEN state IN ('accepted', 'in_progress', 'closed') THEN accepted END,
                    CASE WHEN state IN ('accepted', 'in_progress', 'closed') THEN worker END,
                    CASE WHEN state IN ('in_progress', 'closed') THEN started END,
                    CASE WHEN state = 'closed' THEN closed END,
                    CASE WHEN state = 'closed' THEN worker END,
                    CASE WHEN state = 'closed' THEN (ARRAY['taken_into_care', 'service_activated',
                        'information_only', 'not_eligible', 'person_declined', 'unreachable',
                        'other'])[1 + floor(r3 * 7)::int] END,
                    CASE WHEN state = 'closed' THEN 'Esito comunicato' END,
                    CASE WHEN state = 'rejected' THEN sent + interval '2 days' END,
                    CASE WHEN state = 'cancelled' THEN sent + interval '3 days' END,
                    CASE WHEN state IN ('rejected', 'cancelled') THEN 'Motivo' END,
                    op1, op1, date,
                    CASE state WHEN 'draft' THEN date WHEN 'sent' THEN sent
                        WHEN 'accepted' THEN accepted WHEN 'in_progress' THEN started
                        WHEN 'closed' THEN closed WHEN 'rejected' THEN sent + interval '2 days'
                        ELSE sent + interval '3 days' END
                FROM (
                    SELECT r.*,
                        row_number() OVER (PARTITION BY extract(year FROM sent) ORDER BY k) AS rn,
                        sent + CASE urgency WHEN 'emergency' THEN interval '2 hours'
                            WHEN 'urgent' THEN interval '24 hours'
                            ELSE interval '7 days' END AS deadline,
                        least(accepted + interval '1 day', %(now)s::timestamp - interval '1 hour')
                            AS started,
                        least(accepted + interval '1 day' + r4 * interval '60 days',
                            %(now)s::timestamp - interval '1 hour') AS closed,
                        (%(workers)s::int[])[muni_idx * 2 + 1 + mod(k, 2)::int] AS worker
                    FROM (
                        SELECT b.*, date + interval '1 hour' AS sent,
                            least(date + interval '1 hour' + r4 * interval '4 days',
                                %(now)s::timestamp - interval '2 hours') AS accepted,
                            CASE WHEN r3 < 0.03 THEN 'emergency' WHEN r3 < 0.15 THEN 'urgent'
                                ELSE 'normal' END AS urgency,
                            CASE WHEN date > %(now)s::timestamp - interval '60 days' THEN
                                CASE WHEN r1 < 0.05 THEN 'draft' WHEN r1 < 0.45 THEN 'sent'
                                    WHEN r1 < 0.70 THEN 'accepted'
                                    WHEN r1 < 0.90 THEN 'in_progress' ELSE 'closed' END
                            ELSE
                                CASE WHEN r1 < 0.75 THEN 'closed' WHEN r1 < 0.83 THEN 'rejected'
                                    WHEN r1 < 0.90 THEN 'cancelled'
                                    WHEN r1 < 0.95 THEN 'in_progress' ELSE 'accepted' END
                            END AS state
                        FROM bench_ref b
                    ) r
                ) q
                """,
                base=base,
                company=setup["company"],
                services=setup["services"],
                nservices=len(setup["services"]),
                desks=setup["desks"],
                ndesk=len(DESKS),
                workers=workers,
                now=now,
            )
        )
        # the session's special-category flag, copied on the referral (a stored related
        # field: the operators' record rule reads it there)
        cr.execute(
            SQL(
                """
                UPDATE social_referral r SET is_special_category = s.is_special_category
                FROM social_listening_session s
                WHERE s.id = r.session_id AND r.id >= %s
                """,
                base,
            )
        )
        # the staff who receive them: the social workers of the target desk
        cr.execute(
            SQL(
                """
                INSERT INTO social_referral_receiver_rel (referral_id, user_id)
                SELECT r.id, du.user_id
                FROM social_referral r
                JOIN social_desk_res_users_rel du ON du.desk_id = r.target_desk_id
                WHERE r.id >= %s AND r.state <> 'draft' AND du.user_id = ANY(%s)
                """,
                base,
                workers,
            )
        )
    return count


SEQUENCES = (
    ("social.listening.session", "social_listening_session"),
    ("social.referral", "social_referral"),
)


def bump_sequences(env, sequences=SEQUENCES):
    """ir.sequence: in every seeded year, the next number follows the seeded ones (the
    sequences may number by year: one date range a year). `sequences`: (code, table)."""
    cr = env.cr
    for code, table in sequences:
        sequence = env["ir.sequence"].search([("code", "=", code)], limit=1)
        if not sequence:
            continue
        cr.execute(
            SQL(
                "SELECT split_part(name, '/', 2)::int, count(*) FROM %s "
                "WHERE name ~ '^[A-Z]+/[0-9]{4}/' GROUP BY 1 ORDER BY 1",
                SQL.identifier(table),
            )
        )
        for year, used in cr.fetchall():
            counter = sequence._get_current_sequence(date(year, 6, 30))
            if counter.number_next_actual <= used:
                counter.number_next_actual = used + 1


BULK_TABLES = (
    "res_partner",
    "social_person",
    "social_listening_session",
    "social_session_need_rel",
    "social_session_operator_rel",
    "social_person_met_desk_rel",
    "social_person_met_operator_rel",
    "social_referral",
    "social_referral_receiver_rel",
)


def vacuum_analyze(db, tables=BULK_TABLES):
    _name, info = connection_info_for(db)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for table in tables:
                cr.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        connection.close()


def phase_bulk(env, scale):
    setup = setup_of(env)
    cr = env.cr
    cr.execute("SELECT count(*) FROM social_listening_session")
    if cr.fetchone()[0] > 1000:
        sys.exit(f"{cr.dbname} already holds sessions: seed a fresh copy")
    persons = max(10, round(PERSONS * scale))
    sessions = max(100, round(SESSIONS * scale))
    cr.execute("SET LOCAL work_mem = '256MB'")
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cr.execute("SELECT (now() AT TIME ZONE 'UTC')::timestamp(0)")
    now = cr.fetchone()[0]
    log(f"  scale {scale}: {persons} persons, {sessions} sessions, from {now:%Y-%m-%d %H:%M} UTC")
    person_base = seed_persons(env, setup, persons, now)
    seed_sessions(env, setup, sessions, persons, person_base, now)
    referrals = seed_referrals(env, setup, now)
    with Timer("ir.sequence: next numbers after the seeded ones"):
        bump_sequences(env)
    with Timer("commit"):
        cr.commit()
    with Timer("VACUUM ANALYZE"):
        vacuum_analyze(cr.dbname)
    return persons, sessions, referrals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--phase", choices=("small", "bulk"), required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    registry = open_registry(args.config, args.database)
    started = time.perf_counter()
    with registry.cursor() as cr:  # commits on success
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
        if args.phase == "small":
            phase_small(env)
        else:
            phase_bulk(env, args.scale)
    log(f"  {'phase ' + args.phase + ' done':<58} {time.perf_counter() - started:7.1f} s")


if __name__ == "__main__":
    main()
