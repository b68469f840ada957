from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import guard

# what the contact of an anonymised person keeps: a label, nothing else
PARTNER_ERASED = {
    "email": False,
    "phone": False,
    "mobile": False,
    "street": False,
    "street2": False,
    "zip": False,
    "city": False,
    "comment": False,
    "image_1920": False,
}


class SocialPersonAnonymise(models.TransientModel):
    """Right to erasure, where the law allows it: the file keeps only what statistics need
    (age band, gender, municipality, citizenship group); identity, contacts, free text,
    documents and the chatter history that could contain them go."""

    _name = "social.person.anonymise"
    _description = "Anonymise a person on request"

    person_ids = fields.Many2many("social.person", required=True)
    reason = fields.Text(required=True, help="The request received and its date, the legal ground.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("person_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("person_ids",))
        return super().write(vals)

    def action_confirm(self):
        self._anonymise(self.person_ids, self.reason)
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------
    # The anonymisation (also social.person.action_anonymise)
    # ------------------------------------------------------------

    @api.model
    def _anonymise(self, persons, reason):
        """Anonymise `persons` for a coordinator, `reason` (the request received) logged."""
        persons._check_coordinator()
        if not reason or not reason.strip():
            raise UserError(
                self.env._("Give the reason for the anonymisation (e.g. the request received).")
            )
        return self._anonymise_persons(persons, reason)

    @api.model
    def _anonymise_persons(self, persons, reason):
        """The anonymisation itself, for a caller that already decided it may (the
        coordinator's request above, the retention cron of the observatory)."""
        # archived sessions and referrals hold the identity too, and would count again
        # with no profile if restored
        for person in persons.with_context(active_test=False):
            # sudo everywhere below: the coordinator's request must reach every record of the
            # person, including sessions and referrals of other desks; mail_notrack keeps the
            # old values out of new tracking messages
            records = [
                record.sudo().with_context(mail_notrack=True)  # see above
                for record in (
                    person.session_ids,
                    person.referral_ids,
                    person.consent_ids,
                    person.partner_id,
                )
            ]
            sessions, referrals, consents, partner = records
            # sudo: see above (appointments and requests of any desk, the portal account)
            appointments = (
                self.env["social.appointment"]
                .sudo()  # sudo: see above
                .with_context(active_test=False, mail_notrack=True)
                .search([("person_id", "=", person.id)])
            )
            requests = (
                person.online_request_ids | partner.social_online_request_ids
            ).sudo()  # sudo: see above
            users = partner.with_context(active_test=False).user_ids.sudo()  # see above
            self._anonymise_records(person, sessions, referrals, consents)
            self._anonymise_contacts(appointments, requests.with_context(mail_notrack=True))
            partner.write(
                {"name": self.env._("Anonymised person #%s", person.id), **PARTNER_ERASED}
            )
            self._anonymise_identity(person)
            self._close_portal_accounts(users)
            # the calendar shows the person's name in each appointment's event
            for appointment in appointments.filtered("calendar_event_id"):
                organizer = appointment.calendar_event_id.user_id or self.env.user
                appointment.calendar_event_id.with_context(mail_notrack=True).write(
                    {"name": appointment._event_name(organizer), "description": False}
                )
            # chatter, tracking values, activities and documents hold the old identity
            self._erase_history(
                [person, partner, sessions, referrals, consents, appointments, requests]
            )
            person._log_file_access("anonymise", reason.strip())
        return True

    @api.model
    def _anonymise_records(self, person, sessions, referrals, consents):
        # keep the statistical profile on the sessions before the identity goes; the
        # workflow (see tools/guard.py) lets the anonymisation clear done sessions too
        with guard.workflow():
            sessions.write(
                {
                    "anon_age_band": person.age_band,
                    "anon_gender": person.gender,
                    "anon_municipality_id": person.residence_municipality_id.id,
                    "anon_citizenship_group": person.citizenship_group,
                    "request": False,
                    "confidential_notes": False,
                    "information_given": False,
                    "interlocutor_name": False,
                    "interlocutor_organisation": False,
                }
            )
        referrals.write(
            {
                "reason": self.env._("Content removed: the person was anonymised."),
                "reporter_name": False,
                "legal_basis_note": False,
                "outcome_note": False,
                "state_reason": False,
            }
        )
        consents.write({"note": False})

    @api.model
    def _anonymise_contacts(self, appointments, requests):
        """The free text of the person's appointments and online requests: what they wrote
        and what the staff noted. Dates, desks, topics and states stay (the desks'
        workload counts them)."""
        with guard.workflow():
            appointments.write({"note": False, "cancel_reason": False, "override_reason": False})
        removed = self.env._("Content removed: the person was anonymised.")
        requests.write({"subject": removed, "message": removed, "callback_phone": False})

    @api.model
    def _close_portal_accounts(self, users):
        """A portal account of an anonymised person would still sign in as them, under a
        login that is their e-mail address: archived (no sign-in) and its login replaced."""
        for user in users.filtered("share"):
            user.write({"active": False, "login": f"anonymised-{user.id}"})

    @api.model
    def _anonymise_identity(self, person):
        birth_year = person.birth_date and date(person.birth_date.year, 1, 1)
        # sudo: see _anonymise
        person.sudo().with_context(mail_notrack=True)._write_anonymised(
            {
                "first_name": self.env._("Anonymised"),
                "last_name": f"#{person.id}",
                "fiscal_code": False,
                "stp_code": False,
                "birth_date": birth_year,
                "birthplace": False,
                "birth_country_id": False,
                "address": False,
                "household_notes": False,
                "is_anonymised": True,
            }
        )

    @api.model
    def _erase_history(self, records_list):
        """Delete the messages, activities and attachments of each recordset given."""
        # sudo: messages, activities and documents of other users and desks go too
        for records in records_list:
            if not records:
                continue
            for model, field in (
                ("mail.message", "model"),
                ("mail.activity", "res_model"),
                ("ir.attachment", "res_model"),
            ):
                # sudo: every message, activity and file of the record goes, whoever wrote it
                self.env[model].sudo().search(
                    [(field, "=", records._name), ("res_id", "in", records.ids)]
                ).unlink()
