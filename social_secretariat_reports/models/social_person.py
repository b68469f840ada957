import time
from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

# persons anonymised per call of the cron, at most, and for about this many seconds: each
# batch is committed by the cron runner (ir.cron._notify_progress), which calls up to 10
# times in a row while some are left, then again at its next poll. A file takes about 0.13 s
# on the 1M-session benchmark (its sessions, its history): 10 calls stay within the default
# limits of a cron worker (60 s of CPU, 120 s)
RETENTION_BATCH = 200
RETENTION_SECONDS = 5
# a referral or an online request still being handled keeps the person's file
OPEN_REFERRAL_STATES = ("draft", "sent", "accepted", "in_progress")
OPEN_REQUEST_STATES = ("new", "assigned")


class SocialPerson(models.Model):
    _inherit = "social.person"

    # ------------------------------------------------------------
    # Retention of identifiable data (readme/INDICATORS.md, "Retention")
    # ------------------------------------------------------------

    @api.model
    def _retention_due(self, now=None, limit=None):
        """Ids of the persons past their Ambito's retention period at `now`, oldest file
        first: not anonymised, the Ambito's period not 0, and no contact since the cutoff
        (now minus the period). A contact is anything the person did with the Ambito or
        the Ambito did for them: the file created, a listening session (any state), an
        appointment (its start: a future one keeps the file), a referral (created, sent,
        answered or closed; one still open keeps the file), an online request of the person
        or written from their portal account (created or answered; one still open keeps
        the file), a consent given, a login to the portal and, with the network addon, a
        contact at a partner's desk matched to the file. Edits of the file by the staff are
        not contacts. Plain SQL: on a million sessions the ORM would load every file.
        `limit`: the first ones only (the query stops early when many are due)."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        due = []
        # one query per Ambito with its cutoff as a constant: separate NOT EXISTS with a
        # constant let PostgreSQL anti-join (1.6 s on the 1M-session benchmark, 4-7 s with
        # the cutoff computed per row and the conditions in one OR)
        # sudo: the retention runs for every Ambito, not those of the cron's user
        companies = self.env["res.company"].sudo().search([("social_retention_months", ">", 0)])
        for company in companies:
            if limit is not None and len(due) >= limit:
                break
            cut = now - relativedelta(months=company.social_retention_months)
            query = self._retention_due_query(company, cut)
            if limit is not None:
                query = SQL("%s ORDER BY p.id LIMIT %s", query, limit - len(due))
            self.env.cr.execute(query)
            due += [row[0] for row in self.env.cr.fetchall()]
        return sorted(due)

    @api.model
    def _retention_due_query(self, company, cut):
        network = SQL("")
        if "social.network.contact" in self.env:
            network = SQL(
                "AND NOT EXISTS (SELECT 1 FROM social_network_contact nc"
                " WHERE nc.person_id = p.id AND nc.date >= %s)",
                cut,
            )
        return SQL(
            """
            SELECT p.id
            FROM social_person p
            WHERE p.company_id = %(company)s
              AND NOT coalesce(p.is_anonymised, false)
              AND p.create_date < %(cut)s
              AND NOT EXISTS (SELECT 1 FROM social_listening_session s
                              WHERE s.person_id = p.id AND s.date >= %(cut)s)
              AND NOT EXISTS (SELECT 1 FROM social_appointment a
                              WHERE a.person_id = p.id AND a.start >= %(cut)s)
              AND NOT EXISTS (
                SELECT 1 FROM social_referral r
                WHERE r.person_id = p.id
                  AND (r.state IN %(open_referral)s
                       OR greatest(r.create_date, r.sent_date, r.accepted_date, r.started_date,
                                   r.closed_date, r.rejected_date, r.cancelled_date) >= %(cut)s))
              AND NOT EXISTS (
                SELECT 1 FROM social_online_request o
                WHERE o.person_id = p.id
                  AND (o.state IN %(open_request)s
                       OR greatest(o.create_date, o.first_answer_date) >= %(cut)s))
              AND NOT EXISTS (
                SELECT 1 FROM social_online_request o
                WHERE o.partner_id = p.partner_id
                  AND (o.state IN %(open_request)s
                       OR greatest(o.create_date, o.first_answer_date) >= %(cut)s))
              AND NOT EXISTS (SELECT 1 FROM social_consent sc
                              WHERE sc.person_id = p.id AND sc.date_given >= %(cut_day)s)
              AND NOT EXISTS (SELECT 1 FROM res_users u
                              JOIN res_users_log l ON l.create_uid = u.id
                              WHERE u.partner_id = p.partner_id AND l.create_date >= %(cut)s)
              %(network)s
            """,
            company=company.id,
            cut=cut,
            cut_day=cut.date(),
            open_referral=OPEN_REFERRAL_STATES,
            open_request=OPEN_REQUEST_STATES,
            network=network,
        )

    @api.model
    def _retention_lang(self, company):
        """The language of what the retention writes for an Ambito (the labels that replace
        the names, the access log): the Ambito's, as a coordinator would write them."""
        return company.partner_id.lang or self.env.user.lang

    @api.model
    def _retention_reason(self, company):
        """What the access log says of an anonymisation by the retention cron: also how
        the summary finds them (with the cron's user)."""
        env = self.with_context(lang=self._retention_lang(company)).env
        return env._("Retention period after the last contact expired (automatic).")

    @api.model
    def _cron_retention(self, batch_size=RETENTION_BATCH, now=None, seconds=RETENTION_SECONDS):
        """Anonymise one batch of the persons past the retention period (at most
        `batch_size`, for about `seconds`); the cron runner commits it and calls again while
        some are left. The last call sends the summary. Returns whether some are left."""
        # one more than the batch: whether the run is over, without counting all
        due = self._retention_due(now, limit=batch_size + 1)
        # sudo: the retention runs for every Ambito, whose files no rule of the cron's user
        # selects; the persons were chosen by the query above, not by a user
        persons = self.sudo().with_context(active_test=False).browse(due[:batch_size])
        started = time.monotonic()
        done = 0
        for person in persons:
            if done and time.monotonic() - started > seconds:
                break
            self.env["social.person.anonymise"].with_context(
                lang=self._retention_lang(person.company_id)
            )._anonymise_persons(person, self._retention_reason(person.company_id))
            # the writes reach the database (and the observatory's triggers) here, so that
            # the time counted is the time spent
            self.env.flush_all()
            done += 1
        # "remaining" is at least one while some are left (the runner needs no more)
        remaining = int(len(due) > done)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if not remaining:
            self._retention_summary()
        return remaining

    @api.model
    def _retention_summary(self):
        """Tell the coordinators of each Ambito how many files the run anonymised (since
        the cron's last complete run): counts only, no names."""
        domain = [("event", "=", "anonymise"), ("user_id", "=", self.env.uid)]
        if self.env.context.get("lastcall"):
            domain.append(("date", ">", self.env.context["lastcall"]))
        # sudo: the access log is read by coordinators only; the cron reads counts of it
        logs = (
            self.env["social.person.access.log"]
            .sudo()  # sudo: see above
            ._read_group(domain, ["company_id", "details"], ["__count"])
        )
        by_user = defaultdict(Counter)
        for company, details, count in logs:
            if not company or details != self._retention_reason(company):
                continue  # anonymised on request
            for user in self._retention_recipients(company):
                by_user[user][company] += count
        for user, counts in by_user.items():
            # in the coordinator's language
            env = self.with_context(lang=user.lang).env
            lines = Markup("").join(
                Markup("<li>%s</li>")
                % env._(
                    "%(ambito)s: %(count)s files (no contact for %(months)s months)",
                    ambito=company.name,
                    count=count,
                    months=company.social_retention_months,
                )
                for company, count in sorted(counts.items(), key=lambda item: item[0].name)
            )
            body = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
                env._(
                    "Retention of identifiable data: %(count)s files with no contact for longer "
                    "than the retention period were anonymised.",
                    count=sum(counts.values()),
                ),
                lines,
                env._(
                    "Identity, contacts, free text and history were removed; the statistical "
                    "profile was kept, so the observatory's figures did not change. The access "
                    "log lists the files."
                ),
            )
            # sudo: a notification from the system to the coordinator, on no record
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=env._("Files anonymised after the retention period"),
                body=body,
                email_layout_xmlid="mail.mail_notification_light",
            )

    @api.model
    def _retention_recipients(self, company):
        """The Ambito's coordinator if it names one, else all its coordinators."""
        if company.social_coordinator_id:
            return company.social_coordinator_id
        return (
            self.env["res.users"]
            .sudo()  # the Ambito's coordinators, whoever runs the cron
            .search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("social_secretariat.group_social_coordinator").id,
                    ),
                    ("company_ids", "in", company.id),
                    ("share", "=", False),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ]
            )
        )
