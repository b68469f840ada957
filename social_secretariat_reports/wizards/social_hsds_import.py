import base64
import binascii
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import hsds
from .social_hsds_export import FILE_LANG, SEPARATOR, VIRTUAL_KINDS


class SocialHsdsImport(models.TransientModel):
    """An Open Referral HSDS 3.0 data package (the zip of the export) into the catalogue of an
    Ambito: services, desks (locations) and needs (taxonomy terms) found by their Open Referral
    id are updated, the others created. The whole file is checked first (tools/hsds.py) and
    written in one savepoint: an error leaves the catalogue as it was.

    The Ambito's own organization (the one the locations belong to, else the first) stands for
    the chosen Ambito, whose name and id are its own; the other organizations are the providers
    of the services (partners found by their id, else created). Needs are the shared taxonomy:
    only the terms of the needs taxonomy are read, found by id, else by code, else created."""

    _name = "social.hsds.import"
    _description = "Open Referral (HSDS) import of the service catalogue"

    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_import(self):
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You cannot import into an Ambito that is not yours."))
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except binascii.Error as error:
            raise UserError(self.env._("The file could not be read.")) from error
        lang = self.env["res.lang"]._get_code(FILE_LANG) or self.env.lang
        importer = self.with_company(self.company_id).with_context(lang=lang)
        tables = hsds.read_package(self.env, content)
        with self.env.cr.savepoint():
            counts = importer._import_tables(tables)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Open Referral import"),
                "message": self.env._(
                    "%(services)s services, %(desks)s desks and %(needs)s needs imported.",
                    **counts,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------
    # The tables into the catalogue
    # ------------------------------------------------------------

    def _import_tables(self, tables):
        company = self.company_id
        by_owner = {
            name: _group(tables[name], ("location_id", "service_id", "organization_id"))
            for name in ("phone", "language", "schedule")
        }
        ambito_id = self._ambito_organization(tables)
        partners = self._import_providers(tables, ambito_id, by_owner["phone"])
        needs = self._import_needs(tables["taxonomy_term"])
        desks = {}
        for row in tables["location"]:
            desks[row["id"]] = self._import_desk(company, row, tables, by_owner)
        for row in tables["service"]:
            self._import_service(company, row, tables, by_owner, partners, needs, desks)
        return {
            "services": len(tables["service"]),
            "desks": len(desks),
            "needs": len(needs),
        }

    def _ambito_organization(self, tables):
        owners = {row["organization_id"] for row in tables["location"]} - {""}
        if len(owners) == 1:
            return owners.pop()
        if self.company_id.hsds_id in {row["id"] for row in tables["organization"]}:
            return self.company_id.hsds_id
        return tables["organization"][0]["id"] if tables["organization"] else ""

    def _import_providers(self, tables, ambito_id, phones):
        """{organization id: partner} of the providers. An existing partner is only linked:
        a provider is shared by the Ambiti, the file of one does not rewrite it."""
        Partner = self.env["res.partner"]
        partners = {}
        for row in tables["organization"]:
            if row["id"] == ambito_id:
                continue
            partner = Partner.search([("hsds_id", "=", row["id"])], limit=1)
            if not partner:
                phone = phones["organization_id"].get(row["id"], [])
                # sudo: creating contacts is Odoo's "Contact creation" right, which the
                # coordinator who manages the catalogue need not have; only the provider's
                # public data from the file, in the chosen Ambito
                partner = Partner.sudo().create(
                    {
                        "hsds_id": row["id"],
                        "name": row["name"],
                        "is_company": True,
                        "email": row["email"],
                        "website": row["website"],
                        "phone": phone[0]["number"] if phone else False,
                        "company_id": self.company_id.id,
                    }
                )
            partners[row["id"]] = partner.sudo(False)  # sudo: back to the user's rights
        return partners

    def _import_needs(self, terms):
        """{term id: need} of the terms of the needs taxonomy, parents first."""
        Need = self.env["social.need"].with_context(active_test=False)
        terms = [term for term in terms if term["taxonomy_id"] == hsds.NEEDS_TAXONOMY_ID]
        for term in terms:
            if not term["code"]:
                raise UserError(
                    self.env._(
                        "taxonomy_terms.csv: the need “%(name)s” has no code.", name=term["name"]
                    )
                )
        needs = {}
        pending = list(terms)
        while pending:
            ready = [
                term
                for term in pending
                if not term["parent_id"]
                or term["parent_id"] in needs
                # a parent outside the file: the need goes at the top
                or term["parent_id"] not in {other["id"] for other in pending}
            ]
            if not ready:
                raise UserError(self.env._("taxonomy_terms.csv: the parents form a loop."))
            for term in ready:
                needs[term["id"]] = self._import_need(Need, term, needs)
                pending.remove(term)
        return needs

    def _import_need(self, Need, term, needs):
        need = Need.search([("hsds_id", "=", term["id"])], limit=1) or Need.search(
            [("code", "=", term["code"])], limit=1
        )
        vals = {"code": term["code"], "name": term["name"]}
        # a parent outside the file leaves the need where it is
        if not term["parent_id"] or term["parent_id"] in needs:
            vals["parent_id"] = needs[term["parent_id"]].id if term["parent_id"] else False
        if term["description"] != term["name"]:
            vals["description"] = term["description"]
        if not need:
            return Need.create({**vals, "hsds_id": term["id"]})
        _write_changed(need, vals)
        return need

    def _import_desk(self, company, row, tables, by_owner):
        Desk = self.env["social.desk"].with_context(active_test=False)
        key = row["id"]
        desk = Desk.search([("hsds_id", "=", key), ("company_id", "=", company.id)], limit=1)
        address = next((a for a in tables["address"] if a["location_id"] == key), None)
        contact = next(
            (c for c in tables["contact"] if c["location_id"] == key and c["email"]), None
        )
        access = next((a for a in tables["accessibility"] if a["location_id"] == key), None)
        phones = by_owner["phone"]["location_id"].get(key, [])
        vals = {
            "name": row["name"] or key,
            "location_note": row["description"] or False,
            "street": address["address_1"] if address else False,
            "city": address["city"] if address else False,
            "municipality_id": self._municipality(company, address).id,
            "phone": phones[0]["number"] if phones else False,
            "email": contact["email"] if contact else False,
            "accessibility_notes": access["description"] if access else False,
            "language_ids": self._languages(by_owner["language"]["location_id"].get(key, [])).ids,
        }
        virtual = row["location_type"] == "virtual"
        if not desk:
            vals.update(
                hsds_id=key,
                company_id=company.id,
                kind="online" if virtual else "front_office",
                resource_calendar_id=False,
            )
            desk = Desk.create(_create_vals(Desk, vals))
        else:
            if virtual != (desk.kind in VIRTUAL_KINDS):
                vals["kind"] = "online" if virtual else "front_office"
            _write_changed(desk, vals)
        self._import_opening_hours(desk, by_owner["schedule"]["location_id"].get(key, []))
        return desk

    def _municipality(self, company, address):
        """The municipality of the Ambito at the address: by name and postcode, else by name."""
        Municipality = self.env["social.municipality"]
        if not address:
            return Municipality
        domain = [("company_id", "=", company.id), ("name", "=ilike", address["city"])]
        return Municipality.search(
            domain + [("zip", "=", address["postal_code"])], limit=1
        ) or Municipality.search(domain, limit=1)

    def _languages(self, rows):
        Lang = self.env["res.lang"].with_context(active_test=False)
        languages = Lang
        for row in rows:
            code = row["code"] or ""
            languages |= Lang.search([("iso_code", "=", code)], limit=1) or Lang.search(
                [("code", "=like", f"{code}\\_%")], limit=1
            )
        return languages

    def _import_opening_hours(self, desk, rows):
        """The desk's opening hours from its weekly schedules. A calendar may be shared (the
        Ambito's working time): a different week gets a new calendar of the desk's own."""
        wanted = sorted(
            (
                str(hsds.BYDAY.index(day)),
                hsds.time_to_hours(row["opens_at"]),
                hsds.time_to_hours(row["closes_at"]),
                fields.Date.to_date(row["valid_from"] or False),
                fields.Date.to_date(row["valid_to"] or False),
            )
            for row in rows
            if row["opens_at"] and row["closes_at"] and row["freq"] in ("", "WEEKLY")
            for day in row["byday"].split(",")
            if day.strip() in hsds.BYDAY
        )
        calendar = desk.resource_calendar_id
        current = sorted(
            (a.dayofweek, a.hour_from, a.hour_to, a.date_from or False, a.date_to or False)
            for a in calendar.attendance_ids
            if not a.display_type
        )
        if wanted == current:
            return
        if not wanted:
            desk.resource_calendar_id = False
            return
        # sudo: working times are the administrator's (resource's ACL); the import only
        # creates the desk's own calendar, from the hours the file gives it
        desk.resource_calendar_id = (
            self.env["resource.calendar"]
            .sudo()  # sudo: see above
            .create(
                {
                    "name": self.env._("Opening hours – %(desk)s", desk=desk.name),
                    "company_id": desk.company_id.id,
                    "tz": desk.tz,
                    "attendance_ids": [
                        Command.create(
                            {
                                "name": hsds.BYDAY[int(day)],
                                "dayofweek": day,
                                "hour_from": hour_from,
                                "hour_to": hour_to,
                                "date_from": date_from,
                                "date_to": date_to,
                                "day_period": "morning" if hour_from < 12 else "afternoon",
                            }
                        )
                        for day, hour_from, hour_to, date_from, date_to in wanted
                    ],
                }
            )
        )

    def _import_service(self, company, row, tables, by_owner, partners, needs, desks):
        Service = self.env["social.service"].with_context(active_test=False)
        key = row["id"]
        service = Service.search([("hsds_id", "=", key), ("company_id", "=", company.id)], limit=1)
        cost, cost_note = self._cost(row["fees_description"])
        schedule = next(
            (s for s in by_owner["schedule"]["service_id"].get(key, []) if s["description"]),
            None,
        )
        vals = {
            "name": row["name"],
            "description": row["description"] or False,
            "online_url": row["url"] or False,
            "how_to_apply": row["application_process"] or False,
            "eligibility": row["eligibility_description"] or False,
            "min_age": int(float(row["minimum_age"] or 0)),
            "max_age": int(float(row["maximum_age"] or 0)),
            "cost": cost,
            "cost_note": cost_note,
            "provider_id": partners[row["organization_id"]].id
            if row["organization_id"] in partners
            else False,
            "is_published": row["status"] == "active",
            "active": row["status"] != "defunct",
            "schedule": schedule["description"] if schedule else False,
            "need_ids": [
                needs[a["taxonomy_term_id"]].id
                for a in tables["attribute"]
                if a["link_id"] == key and a["taxonomy_term_id"] in needs
            ],
            "desk_ids": [
                desks[link["location_id"]].id
                for link in tables["service_at_location"]
                if link["service_id"] == key
            ],
            "language_ids": self._languages(by_owner["language"]["service_id"].get(key, [])).ids,
        }
        if not service:
            vals.update(hsds_id=key, company_id=company.id)
            service = Service.create(_create_vals(Service, vals))
        else:
            _write_changed(service, vals)
        self._import_documents(
            service, [d for d in tables["required_document"] if d["service_id"] == key]
        )

    def _import_documents(self, service, rows):
        """The service's documents are those of the file."""
        Document = self.env["social.service.document"]
        kept = Document
        for sequence, row in enumerate(rows, start=1):
            name, __, note = (row["document"] or "").partition(SEPARATOR)
            vals = {"name": name or row["id"], "note": note or False}
            document = service.document_ids.filtered(lambda d, key=row["id"]: d.hsds_id == key)
            if document:
                _write_changed(document, vals)
            else:
                document = Document.create(
                    {**vals, "hsds_id": row["id"], "service_id": service.id, "sequence": sequence}
                )
            kept |= document
        (service.document_ids - kept).unlink()

    @api.model
    def _cost(self, text):
        """(cost, cost note) from the fees: the kind of cost by its label in any installed
        language, and the note after it; a text that names no kind is a fee, all of it note."""
        if not text:
            return "free", False
        label, __, note = text.partition(SEPARATOR)
        field = self.env["social.service"]._fields["cost"]
        for code in self.env["res.lang"].get_installed():
            labels = dict(field._description_selection(self.env(context={"lang": code[0]})))
            for key, value in labels.items():
                if value == label:
                    return key, note or False
        return "fee", text


def _group(rows, owners):
    """{owner field: {owner id: [rows]}}."""
    grouped = {owner: defaultdict(list) for owner in owners}
    for row in rows:
        for owner in owners:
            if row.get(owner):
                grouped[owner][row[owner]].append(row)
    return grouped


def _create_vals(model, vals):
    """The values of _write_changed (ids for a many2many) as create() takes them."""
    return {
        name: [Command.set(value)] if model._fields[name].type == "many2many" else value
        for name, value in vals.items()
    }


def _write_changed(record, vals):
    """Write only what differs: an import of the same file changes nothing (no tracking, no
    new translations)."""
    changed = {}
    for name, value in vals.items():
        field = record._fields[name]
        current = record[name]
        if field.type in ("many2many", "one2many"):
            same = set(current.ids) == set(value)
        elif field.type == "many2one":
            same = current.id == (value or False)
        elif field.type == "html":
            same = str(current or "") == str(value or "")
        else:
            same = (current or False) == (value or False)
        if not same:
            changed[name] = [Command.set(value)] if field.type == "many2many" else value
    if changed:
        record.write(changed)
