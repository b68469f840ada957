from odoo import http
from odoo.http import request
from odoo.tools import is_html_empty

from .network_portal import NetworkPortal


class NetworkCataloguePortal(NetworkPortal):
    """`/my/network/services`: the published catalogue with the notes meant for the network's
    operators (never shown to citizens: the field is for partners and staff only)."""

    def _network_services_domain(self, member, area=None, place=None, text=None):
        domain = [
            ("is_published", "=", True),
            ("company_id", "in", [False, member.company_id.id]),
        ]
        if area:
            domain.append(("need_ids", "child_of", area.id))
        if place:
            # offered there (or everywhere), and open to its residents
            domain += [
                "|",
                ("desk_ids", "=", False),
                ("desk_ids.municipality_id", "=", place.id),
                "|",
                ("residence_requirement", "!=", "municipality"),
                ("residence_municipality_ids", "=", place.id),
            ]
        if text:
            domain += [
                "|",
                "|",
                "|",
                ("name", "ilike", text),
                ("summary", "ilike", text),
                ("target", "ilike", text),
                ("need_ids.name", "ilike", text),
            ]
        return domain

    def _network_home_values(self, member):
        values = super()._network_home_values(member)
        values["network_service_count"] = request.env["social.service"].search_count(
            self._network_services_domain(member)
        )
        return values

    @http.route("/my/network/services", type="http", auth="user", website=True)
    def portal_network_services(self, q=None, need=None, municipality=None, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        # reference data, readable by portal users (the core's ACLs); the services through the
        # partner's own environment: the published ones (the core's portal rule)
        Need = request.env["social.need"]
        Municipality = request.env["social.municipality"]
        areas = Need.search([("parent_id", "=", False)])
        municipalities = Municipality.search([("company_id", "=", member.company_id.id)])
        area = areas.filtered(lambda a: need and str(a.id) == need)
        place = municipalities.filtered(lambda m: municipality and str(m.id) == municipality)
        text = (q or "").strip()[:100]
        services = request.env["social.service"].search(
            self._network_services_domain(member, area, place, text), order="name"
        )
        values = self._network_values(
            member,
            "network_services",
            services=services,
            areas=areas,
            municipalities=municipalities,
            area=area,
            place=place,
            q=text,
            is_html_empty=is_html_empty,
        )
        return request.render("social_secretariat_network.portal_network_services", values)
