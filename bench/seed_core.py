#!/usr/bin/env python3
"""Seed a benchmark database for the core addon (social_secretariat).

Two phases, each its own run of this script on an installed database:

  --phase small   with the ORM: 5 municipalities, 20 desks, 60 operators (3 a desk, one
                  desk each), 10 social workers, 2 coordinators, a taxonomy of needs (the
                  addon's own when it is loaded, else a bench one of 40), 8 services and 3
                  persons made by the ORM (the reference for the bulk rows). The setup is
                  recorded in the ir.config_parameter `ss_bench.setup` (JSON).
  --phase bulk    the volume of the ss_seed package (ss_seed/volume.py), with batched SQL:
                  100k persons with their contacts, 1M listening sessions with their needs
                  and operators, ~20k referrals; then VACUUM ANALYZE. --scale multiplies
                  the counts.

Names and codici fiscali come from ss_seed/names.py, as the demo history's do.

Usage (the repository root on PYTHONPATH, as bench_lib.sh sets it):
  seed_core.py -c odoo.conf -d DB --phase small|bulk [--scale 1.0]
"""

import argparse
import json
import random
import sys
import time
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.fields import Command

from ss_seed.names import ITALIAN_FEMALE, ITALIAN_LAST, ITALIAN_MALE, numbered_fiscal_code
from ss_seed.odoo_env import open_registry
from ss_seed.sql import Timer, log
from ss_seed.volume import DESKS, MUNICIPALITIES, SETUP_KEY, seed_volume

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
        first = rnd.choice(ITALIAN_FEMALE + ITALIAN_MALE)
        return {
            "name": f"{first} {rnd.choice(ITALIAN_LAST)} ({login})",
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
                    "fiscal_code": numbered_fiscal_code(
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
            seed_volume(env, args.scale)
    log(f"  {'phase ' + args.phase + ' done':<58} {time.perf_counter() - started:7.1f} s")


if __name__ == "__main__":
    main()
