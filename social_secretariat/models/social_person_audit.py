from odoo import api, models


class SocialPerson(models.Model):
    """The access log of the person files (social.person.access.log): who read, exported or
    changed which file, by any path."""

    _inherit = "social.person"

    def _log_file_access(self, event, details=False):
        if not self:
            return
        # sudo: the log is append-only and no role may write it directly
        self.env["social.person.access.log"].sudo().create(
            [
                {
                    "person_id": person.id,
                    "user_id": self.env.uid,
                    "event": event,
                    "details": details,
                    "company_id": person.company_id.id,
                }
                for person in self
            ]
        )

    # Reading a file, by any path: read, search_read, web_read and web_search_read all end in
    # _read_format; exports and printed reports are logged by export_data and by
    # ir.actions.report (social_person_access_log.py). Reads of the display name alone are not
    # logged: it is what every field linking a person shows (a session list names its
    # persons, computed by the ORM with sudo), it is not the file, and logging it would bury
    # the openings of files under one row per name shown.
    NOT_THE_FILE = frozenset({"id", "display_name"})

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load)
        if result and set(fnames or ()) - self.NOT_THE_FILE:
            read = self.browse([values["id"] for values in result])
            read._log_file_read("read" if len(read) == 1 else "list")
        return result

    def _log_file_read(self, event, details=False):
        """One row per file, user and event in a request (a transaction), all the rows of a
        call in one INSERT; superuser code and portal users (their own file) are not
        logged."""
        if not self or self.env.su or not self.env.user._is_internal():
            return
        done = self.env.cr.precommit.data.setdefault("social.person.read_logged", set())
        uid = self.env.uid
        persons = self.filtered(lambda p: isinstance(p.id, int) and (uid, p.id, event) not in done)
        if persons:
            done.update((uid, person.id, event) for person in persons)
            persons._log_file_access(event, details)

    # read, search_read, web_read and web_search_read are read-only in Odoo 18 (they may run
    # on a replica); reading a file writes the access log
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields, load)

    read._readonly = False

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        return super().search_read(domain, fields, offset, limit, order, **kwargs)

    search_read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def web_search_read(self, *args, **kwargs):
        return super().web_search_read(*args, **kwargs)

    web_search_read._readonly = False

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._log_file_read("export", ", ".join(fields_to_export))
        return result
