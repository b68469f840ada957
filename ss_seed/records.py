"""Creating the planned records of the demo history through the models' methods and
actions (sessions done, consents, referrals sent, accepted, closed...), then moving their
dates back to the planned moments: the only SQL of the demo, on its own rows."""

from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tools import SQL

from .profiles import CLOSE_NOTES


class RecordsMixin:
    def create_sessions(self):
        rng = self.rng
        specs = sorted(self.session_specs, key=lambda s: s["vals"]["date"])
        # drafts: mostly the last weeks' unfinished records, a few forgotten older ones
        referral_sessions = {id(r["session"]) for r in self.referral_specs}
        candidates = [
            s for s in specs
            if s["state"] == "done" and id(s) not in referral_sessions
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
            # as the operator, sudo: the dates of the past are set, which no action writes
            records = Session.with_user(creator).sudo().create([s["vals"] for s in group])
            for spec, record in zip(group, records, strict=True):
                spec["record"] = record
        done = Session.browse([s["record"].id for s in specs if s["state"] == "done"])
        done.with_context(**self.QUIET).action_done()
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
        vals_list = []
        for person_id, info in self.person_info.items():
            first = info["first"]
            if not first:
                continue
            person = self.env["social.person"].browse(person_id)
            day = first.date()
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
        """Create the referrals as their senders, run each one's steps (send, accept, ...)
        as the user who would, then move the fields, messages and activities to the planned
        moments."""
        for spec in self.referral_specs:
            self.plan_referral_moments(spec)
        specs = sorted(self.referral_specs, key=lambda r: r["created_at"])
        vals_list = [self.referral_vals(spec) for spec in specs]
        mark = self.last_message_id()
        Referral = self.env["social.referral"]
        for spec, vals in zip(specs, vals_list, strict=True):
            sender = spec["session"]["record"].operator_ids[:1]
            spec["sender"] = sender
            spec["record"] = (
                Referral.with_user(sender)
                .sudo()  # as the sender; sudo: the generator sets the past dates
                .with_context(mail_create_nosubscribe=True)
                .create(vals)
            )
        message_dates = [
            (spec["record"].id, mark, self.last_message_id(), spec["created_at"]) for spec in specs
        ]
        body_fixes = []
        date_vals = {}
        for spec in specs:
            if spec["state"] == "draft":
                continue
            referral = spec["record"]
            dates = {}
            for (step, user), moment in zip(
                self.referral_steps(spec), spec["moments"], strict=False
            ):
                before = self.last_message_id()
                fix = self.run_referral_step(
                    # as the user; sudo: the generator sets the past dates
                    referral.with_user(user).sudo(),
                    step,
                    spec,
                    moment,
                    dates,
                )
                if fix:
                    body_fixes.append((referral.id, before, *fix))
                message_dates.append((referral.id, before, self.last_message_id(), moment))
            date_vals[referral] = dates
        # back to the real moments: fields, messages, pending activities
        for referral, dates in date_vals.items():
            referral.with_context(tracking_disable=True).write(dates)
        self.backdate("social_referral", [(s["record"].id, s["created_at"]) for s in specs])
        self.backdate_referral_messages(message_dates, body_fixes)
        self.backdate_referral_activities(date_vals)
        self.env.invalidate_all()

    def plan_referral_moments(self, spec):
        """When the referral was created and each of its steps happened, all in the past and
        in order."""
        session = spec["session"]["record"]
        start = session.date + timedelta(minutes=self.rng.randint(15, 90))
        spec["created_at"] = min(start, self.now - timedelta(minutes=30))
        moments = []
        moment = spec["created_at"]
        if spec["sent_hours_ago"] is not None:
            moments.append(self.now - timedelta(hours=spec["sent_hours_ago"]))
        for delay in spec["delays"]:
            moment = moment + timedelta(days=delay)
            moments.append(moment)
        ceiling = self.now - timedelta(minutes=20)
        for index in range(len(moments) - 1, -1, -1):
            moments[index] = min(moments[index], ceiling)
            ceiling = moments[index] - timedelta(minutes=5)
        spec["moments"] = [m.replace(microsecond=0) for m in moments]
        spec["created_at"] = min(
            spec["created_at"], (moments[0] if moments else self.now) - timedelta(minutes=5)
        )

    def referral_vals(self, spec):
        session = spec["session"]["record"]
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
            "target_service_id": spec["service"].id,
            "reason": spec["reason"],
            "urgency": spec["urgency"],
            "legal_basis_note": spec["legal_basis"] or False,
        }
        if spec["partner"]:
            vals["target_partner_id"] = spec["partner"].id
        elif spec["desk"]:
            vals["target_desk_id"] = self.desks[spec["desk"]].id
        else:
            receivers = (
                self.users["worker"] if self.rng.random() < 0.7 else self.users["coordinator"]
            )
            vals["receiving_user_ids"] = [(6, 0, receivers.ids)]
        if spec["consent"] and not spec["partner"]:
            consent = self.consents.get((spec["person"].id, "services"))
            vals["consent_id"] = consent.id if consent else False
        return vals

    # the steps that lead to each state, after the sending
    STATE_STEPS = {
        "sent": (),
        "accepted": ("accept",),
        "in_progress": ("accept", "start"),
        "closed": ("accept", "start", "close"),
        "rejected": ("reject",),
        "cancelled": ("cancel",),
    }

    STEP_DATES = {
        "accept": "accepted_date",
        "start": "started_date",
        "close": "closed_date",
        "reject": "rejected_date",
        "cancel": "cancelled_date",
    }

    def referral_steps(self, spec):
        """[(step, user)]: the sender sends (and cancels), the receiver does the rest."""
        referral = spec["record"]
        worker = self.users["worker"]
        handler = (
            worker
            if worker in referral.receiving_user_ids
            or (referral.target_desk_id and worker in referral.target_desk_id.operator_ids)
            else self.users["coordinator"]
        )
        return [("send", spec["sender"])] + [
            (step, spec["sender"] if step == "cancel" else handler)
            for step in self.STATE_STEPS[spec["state"]]
        ]

    def run_referral_step(self, record, step, spec, moment, dates):
        """Run one action of the referral and record its date in `dates`; for the sending,
        return (old, new) acknowledgement deadline, for the text of its message."""
        if step == "send":
            record.action_send()
            old_deadline = record.ack_deadline
            new_deadline = record._compute_ack_deadline(moment)
            dates.update(sent_date=moment, ack_deadline=new_deadline)
            return (
                fields.Datetime.to_string(old_deadline),
                fields.Datetime.to_string(new_deadline),
            )
        if step == "accept":
            record.action_accept()
        elif step == "start":
            record.action_start()
        elif step == "close":
            record.action_close(spec["outcome"], spec["note"] or CLOSE_NOTES[spec["outcome"]])
        elif step == "reject":
            record.action_reject(spec["state_reason"])
        elif step == "cancel":
            record.action_cancel(spec["state_reason"])
        dates[self.STEP_DATES[step]] = moment
        return None

    def backdate_referral_messages(self, message_dates, body_fixes):
        """The referrals' messages to the moments of their steps, as [(referral id, first
        message id excluded, last included, moment)]; the deadline the sending wrote in its
        message, as [(referral id, message id after, old text, new text)]."""
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

    def backdate_referral_activities(self, date_vals):
        """The acknowledgement activity of the referrals still waiting, due when it would be."""
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

    def finish(self):
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
