"""Volume: the benchmark's bulk rows with batched SQL (COPY and INSERT ... SELECT FROM
generate_series), on a database set up with the ORM by bench/seed_core.py --phase small
(its ids in the ir.config_parameter `ss_bench.setup`): 100k persons with their contacts,
1M listening sessions with their needs and operators over three years, ~20k referrals;
then VACUUM ANALYZE. `scale` multiplies the counts.

The persons' names, places of birth and codici fiscali come from names.py, as the demo
history's (history.py) do."""

import json
import random
import sys
from datetime import date, timedelta

from odoo.tools import SQL

from .names import (
    FOREIGN,
    ITALIAN_FEMALE,
    ITALIAN_LAST,
    ITALIAN_MALE,
    MOBILE_PREFIXES,
    ascii_name,
    belfiore_code,
    numbered_fiscal_code,
)
from .sql import Timer, bump_sequences, copy_rows, insert_like, log, reserve_ids, vacuum_analyze

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


def setup_of(env):
    raw = env["ir.config_parameter"].sudo().get_param(SETUP_KEY)  # sudo: a bench script
    if not raw:
        sys.exit(f"{env.cr.dbname}: no {SETUP_KEY}: run the small phase first")
    return json.loads(raw)


# ----------------------------------------------------------------
# Phase small: the ORM
# ----------------------------------------------------------------


def person_rows(env, setup, count, now):
    """The persons, generated in Python (their codici fiscali need the check character)."""
    rnd = random.Random(42)
    italy = env.ref("base.it").id
    europe = env.ref("base.europe", raise_if_not_found=False)
    eu_ids = set(europe.country_ids.ids) if europe else set()
    foreign = []
    for xmlid, birthplace, males, females, lasts, _languages, weight in FOREIGN.values():
        country = env.ref(xmlid).id
        group = "eu" if country in eu_ids else "non_eu"
        origin = (country, belfiore_code(birthplace), group, birthplace, males, females, lasts)
        foreign += [origin] * weight
    municipalities = setup["municipalities"]
    operators = setup["desk_operators"]
    span = YEARS * 365 * 86400
    start = now - timedelta(seconds=span)
    for n in range(1, count + 1):
        female = rnd.random() < 0.52
        birth = date(1935, 1, 1) + timedelta(days=rnd.randrange(26_000))
        m = (n - 1) % len(municipalities)
        if rnd.random() < 0.82:
            first = rnd.choice(ITALIAN_FEMALE if female else ITALIAN_MALE)
            last = rnd.choice(ITALIAN_LAST)
            country, belfiore, group = italy, MUNICIPALITIES[m][2], "italian"
            birthplace = MUNICIPALITIES[m][0]
            citizenship, status = italy, "resident"
        else:
            country, belfiore, group, birthplace, males, females, lasts = rnd.choice(foreign)
            first = rnd.choice(females if female else males)
            last = rnd.choice(lasts)
            citizenship = country
            status = rnd.choice(("resident", "entitled", "entitled", "refugee", "asylum_seeker"))
        code, stp = numbered_fiscal_code(n, birth, female, belfiore), None
        if group == "non_eu" and rnd.random() < 0.1:
            code, stp, status = None, f"STP{150000000000 + n:013d}"[:16], "stp"
        mobile = e164 = email = None
        if rnd.random() < 0.7:
            digits = f"{MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)]}{n:07d}"
            mobile = f"+39 {digits[:3]} {digits[3:6]} {digits[6:]}"
            e164 = f"+39{digits}"
        if rnd.random() < 0.3:
            email = f"{ascii_name(first)}.{ascii_name(last)}.{n}@example.org"
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


def seed_volume(env, scale):
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
        vacuum_analyze(cr.dbname, BULK_TABLES)
    return persons, sessions, referrals
