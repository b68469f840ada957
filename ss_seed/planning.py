"""Planning the listening sessions and referrals of the demo history: who meets whom, at
which desk, through which channel, for which needs, with which outcome. The sessions are
created later, in date order (records.py)."""

from .names import MUNICIPALITY_WEIGHTS
from .profiles import (
    CANCEL_REASONS,
    CONFIDENTIAL,
    FOREIGN_PROFILES,
    INTERLOCUTORS,
    ITALIAN_PROFILES,
    PROFILE_FIRST_NEED,
    PROFILES,
    REJECT_REASONS,
    REPORTED,
    REQUESTS,
)


class PlanningMixin:
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
            area = rng.choice(areas)  # once: inside the comprehension it was drawn per need
            code = rng.choice([c for c in self.needs if c.startswith(area + ".")])
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
