import re
from urllib.parse import urlencode

from odoo import http
from odoo.http import request


class SocialServiceCatalogue(http.Controller):
    """The public catalogue of services: what exists, for whom, what to bring, where to go."""

    def _published_services(self, domain=()):
        # the record rules give visitors and citizens the published services only; the domain
        # says the same, and keeps staff browsing the catalogue to it and to this Ambito
        return request.env["social.service"].search(
            [
                ("is_published", "=", True),
                ("company_id", "in", [False, request.env.company.id]),
                *domain,
            ]
        )

    def _booking_topics(self, service):
        """The topics a citizen can book online about `service`, with the link that opens the
        booking pages (controllers/booking.py) on that topic: [{topic, url}]."""
        # visitors and citizens read the online-bookable topics (record rules); the page shows
        # their name only, and the booking pages check again what the citizen may book
        topics = request.env["social.appointment.topic"].search(
            [
                ("service_ids", "in", service.ids),
                ("is_online_bookable", "=", True),
                ("company_id", "in", (service.company_id or request.env.company).ids),
            ]
        )
        return [
            # step 2 of the booking, the topic chosen (the login comes first for visitors)
            {"topic": topic, "url": f"/social/book/desk?{urlencode({'topic': topic.id})}"}
            for topic in topics
            # a desk the booking pages offer
            if topic._bookable_desks()
        ]

    @http.route("/social/services", type="http", auth="public", website=True, sitemap=True)
    def catalogue(self, q=None, need=None, municipality=None, **kw):
        services = self._published_services()
        # reference data, readable by visitors (ir.model.access.csv)
        Need = request.env["social.need"]
        Municipality = request.env["social.municipality"]
        areas = Need.search([("parent_id", "=", False)])
        municipalities = Municipality.search([("company_id", "=", request.env.company.id)])
        area = Need.browse(int(need)) if need and need.isdigit() else Need
        place = (
            Municipality.browse(int(municipality))
            if municipality and municipality.isdigit()
            else Municipality
        )
        if q:
            text = q.strip().lower()
            services = services.filtered(
                lambda s: text in (s.name or "").lower()
                or text in (s.summary or "").lower()
                or text in (s.target or "").lower()
                or any(text in (n.name or "").lower() for n in s.need_ids)
            )
        if area.exists():
            family = Need.search([("id", "child_of", area.id)])
            services = services.filtered(lambda s: s.need_ids & family)
        if place.exists():
            services = services.filtered(
                lambda s: (not s.desk_ids or place in s.desk_ids.municipality_id)
                and (
                    s.residence_requirement != "municipality"
                    or place in s.residence_municipality_ids
                )
            )
        return request.render(
            "social_secretariat.social_service_catalogue",
            {
                "services": services,
                "areas": areas,
                "municipalities": municipalities,
                "q": q or "",
                "area": area,
                "place": place,
                "page_name": "social_services",
            },
        )

    @http.route(
        "/social/services/<string:slug>", type="http", auth="public", website=True, sitemap=False
    )
    def service_page(self, slug, **kw):
        # "<name>-<id>" as made by ir.http._slug; the name part is only for people to read
        match = re.search(r"(\d+)$", slug)
        service_id = int(match.group(1)) if match else 0
        service = self._published_services([("id", "=", service_id)])
        if not service:
            raise request.not_found()
        return request.render(
            "social_secretariat.social_service_page",
            {
                "service": service,
                "booking_topics": self._booking_topics(service),
                "page_name": "social_service",
            },
        )
