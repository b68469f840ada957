import base64

from odoo import fields, models

from ..tools import hsds

# the catalogue is written in Italian: the file carries it in Italian when it is installed
FILE_LANG = "it_IT"
# desks reached without going there
VIRTUAL_KINDS = ("online", "phone_line")


class SocialHsdsExport(models.TransientModel):
    """The published catalogue of the user's Ambito as an Open Referral HSDS 3.0 tabular data
    package: the Ambito and the providers (organizations), the published services, the desks
    they are offered at (locations, addresses, phones, languages, opening hours), their
    documents, and the needs taxonomy. Read as the user: the record rules decide what is there,
    and nothing unpublished or internal is read (no partner notes, no operators)."""

    _name = "social.hsds.export"
    _description = "Open Referral (HSDS) export of the service catalogue"

    # in the wizard's own row (no attachment): it goes when the wizard is vacuumed
    data = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_export(self):
        self.ensure_one()
        content = self._package()
        self.write(
            {
                "data": base64.b64encode(content),
                "filename": f"open_referral_{fields.Date.context_today(self)}.zip",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/data/{self.filename}?download=true",
            "target": "download",
        }

    def _package(self):
        """The zip of the current Ambito's published catalogue."""
        lang = self.env["res.lang"]._get_code(FILE_LANG) or self.env.lang
        return hsds.write_package(self.with_context(lang=lang)._tables())

    # ------------------------------------------------------------
    # The tables
    # ------------------------------------------------------------

    def _tables(self):
        """{HSDS resource name: [rows]} of the current Ambito."""
        company = self.env.company
        services = self.env["social.service"].search(
            [
                ("company_id", "=", company.id),
                ("is_published", "=", True),
                ("active", "=", True),
            ]
        )
        desks = services.desk_ids.filtered(lambda desk: desk.active and desk.company_id == company)
        needs = self.env["social.need"].search([])
        tables = {name: [] for name in hsds.resources()}
        self._add_organizations(tables, company, services.provider_id)
        self._add_taxonomy(tables, needs)
        for desk in desks:
            self._add_location(tables, company, desk)
        for service in services:
            self._add_service(tables, company, service, desks, needs)
        return tables

    def _add_organizations(self, tables, company, providers):
        tables["organization"].append(
            {
                "id": company.hsds_id,
                "name": company.name,
                "description": self.env._(
                    "Ambito territoriale sociale: the social services of its municipalities, "
                    "publisher of this catalogue."
                ),
                "email": company.email,
                "website": _url(company.website),
                "tax_id": company.vat,
            }
        )
        for partner in providers:
            tables["organization"].append(
                {
                    "id": partner.hsds_id,
                    "name": partner.name,
                    "description": self.env._("Provider of services of the catalogue."),
                    "email": partner.email,
                    "website": _url(partner.website),
                }
            )
            if partner.phone:
                tables["phone"].append(
                    {
                        "id": hsds.derived_id(partner.hsds_id, "phone"),
                        "organization_id": partner.hsds_id,
                        "number": partner.phone,
                        "type": "voice",
                    }
                )

    def _add_taxonomy(self, tables, needs):
        lang = self.env["res.lang"]._lang_get(self.env.lang)
        tables["taxonomy"].append(
            {
                "id": hsds.NEEDS_TAXONOMY_ID,
                "name": self.env._("Needs (Segretariato Sociale)"),
                "description": self.env._(
                    "The needs recorded by the desks of the Segretariato Sociale, by area, "
                    "with stable codes."
                ),
            }
        )
        for need in needs:
            tables["taxonomy_term"].append(
                {
                    "id": need.hsds_id,
                    "code": need.code,
                    "name": need.name,
                    "description": need.description or need.name,
                    "parent_id": need.parent_id.hsds_id,
                    "language": lang.iso_code,
                    "taxonomy_id": hsds.NEEDS_TAXONOMY_ID,
                }
            )

    def _add_location(self, tables, company, desk):
        location = desk.hsds_id
        tables["location"].append(
            {
                "id": location,
                "location_type": "virtual" if desk.kind in VIRTUAL_KINDS else "physical",
                "organization_id": company.hsds_id,
                "name": desk.name,
                "description": desk.location_note,
            }
        )
        municipality = desk.municipality_id
        # HSDS requires the whole address: a desk without one has none in the file
        if desk.street and desk.city and municipality.zip and municipality.province:
            tables["address"].append(
                {
                    "id": hsds.derived_id(location, "address"),
                    "location_id": location,
                    "address_1": desk.street,
                    "city": desk.city,
                    "state_province": municipality.province,
                    "postal_code": municipality.zip,
                    "country": company.country_id.code or "IT",
                    "address_type": "physical",
                }
            )
        if desk.phone:
            tables["phone"].append(
                {
                    "id": hsds.derived_id(location, "phone"),
                    "location_id": location,
                    "number": desk.phone,
                    "type": "voice",
                }
            )
        if desk.email:
            tables["contact"].append(
                {
                    "id": hsds.derived_id(location, "contact"),
                    "location_id": location,
                    "email": desk.email,
                }
            )
        if desk.accessibility_notes:
            tables["accessibility"].append(
                {
                    "id": hsds.derived_id(location, "accessibility"),
                    "location_id": location,
                    "description": desk.accessibility_notes,
                }
            )
        self._add_languages(tables, "location_id", location, desk.language_ids)
        for attendance in desk.resource_calendar_id.attendance_ids:
            if attendance.display_type:
                continue  # the week headers of a calendar of two weeks
            opens_at = hsds.hours_to_time(attendance.hour_from)
            closes_at = hsds.hours_to_time(attendance.hour_to)
            day = hsds.BYDAY[int(attendance.dayofweek)]
            tables["schedule"].append(
                {
                    "id": hsds.derived_id(
                        location,
                        "schedule",
                        day,
                        opens_at,
                        closes_at,
                        attendance.date_from or "",
                        attendance.date_to or "",
                    ),
                    "location_id": location,
                    "valid_from": attendance.date_from,
                    "valid_to": attendance.date_to,
                    "freq": "WEEKLY",
                    "byday": day,
                    "opens_at": opens_at,
                    "closes_at": closes_at,
                }
            )

    def _add_languages(self, tables, field, owner, languages):
        for language in languages:
            tables["language"].append(
                {
                    "id": hsds.derived_id(owner, "language", language.iso_code),
                    field: owner,
                    "name": language.name,
                    "code": language.iso_code,
                }
            )

    def _add_service(self, tables, company, service, desks, needs):
        key = service.hsds_id
        tables["service"].append(
            {
                "id": key,
                "organization_id": service.provider_id.hsds_id or company.hsds_id,
                "name": service.name,
                "description": _html(service, "description"),
                "url": service.online_url,
                "status": "active",
                "application_process": _html(service, "how_to_apply"),
                "fees_description": self._fees(service),
                "eligibility_description": _html(service, "eligibility"),
                "minimum_age": service.min_age or "",
                "maximum_age": service.max_age or "",
            }
        )
        if service.schedule:
            tables["schedule"].append(
                {
                    "id": hsds.derived_id(key, "schedule"),
                    "service_id": key,
                    "description": service.schedule,
                }
            )
        for desk in service.desk_ids & desks:
            tables["service_at_location"].append(
                {
                    "id": hsds.derived_id(key, "location", desk.hsds_id),
                    "service_id": key,
                    "location_id": desk.hsds_id,
                }
            )
        for need in service.need_ids & needs:
            tables["attribute"].append(
                {
                    "id": hsds.derived_id(key, "need", need.hsds_id),
                    "link_id": key,
                    "taxonomy_term_id": need.hsds_id,
                    "link_entity": "service",
                }
            )
        for document in service.document_ids:
            tables["required_document"].append(
                {
                    "id": document.hsds_id,
                    "service_id": key,
                    "document": _join(document.name, document.note),
                }
            )
        self._add_languages(tables, "service_id", key, service.language_ids)

    def _fees(self, service):
        """The cost as the catalogue says it: "Free", or the kind and its note."""
        label = dict(service._fields["cost"]._description_selection(self.env))[service.cost]
        return _join(label, service.cost_note)


# a text and its note in one HSDS field (the import splits them again)
SEPARATOR = " — "


def _join(text, note):
    return f"{text}{SEPARATOR}{note}" if note else text


def _html(record, name):
    """An HTML field as a write would store it (sanitized): what an import of it gives back."""
    value = record[name]
    return str(record._fields[name].convert_to_cache(value, record) or "") if value else ""


def _url(value):
    """A website as a URI (HSDS): "www.example.org" gets its scheme."""
    if not value:
        return ""
    return value if "://" in value else f"https://{value}"
