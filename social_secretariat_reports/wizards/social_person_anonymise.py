from collections import defaultdict

import pytz

from odoo import api, models

from odoo.addons.social_secretariat.models.social_person import age_band
from odoo.addons.social_secretariat.tools import guard


class SocialPersonAnonymise(models.TransientModel):
    _inherit = "social.person.anonymise"

    @api.model
    def _anonymise_records(self, person, sessions, referrals, consents):
        """The age band kept on each session is the one at the session's date (as the
        observatory counts it, readme/INDICATORS.md), not today's: anonymising a person does
        not move the figures."""
        res = super()._anonymise_records(person, sessions, referrals, consents)
        if not person.birth_date:
            return res
        by_band = defaultdict(list)
        for session in sessions:
            zone = pytz.timezone(session.desk_id._tz())
            day = pytz.utc.localize(session.date).astimezone(zone).date()
            birth = person.birth_date
            # whole years as the aggregate's SQL counts them (PostgreSQL's age()): the
            # birthday reached, 29 February on 1 March in common years
            years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
            band = age_band(years)
            if band != session.anon_age_band:
                by_band[band].append(session.id)
        # the workflow lets the anonymisation write done sessions (as the core's write above)
        with guard.workflow():
            for band, ids in by_band.items():
                sessions.browse(ids).write({"anon_age_band": band})
        return res
