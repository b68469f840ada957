from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers import portal


class NetworkPortal(portal.CustomerPortal):
    """The partner portal, `/my/network/...`: the pages of a network desk.

    Every page reads with the partner's own environment: the record rules of this addon leave
    an operator their organisation's records only. Each section (contacts, referrals, digital
    facilitation, operators, catalogue) is a subclass in its own file; Odoo merges them."""

    def _network_member(self):
        """The organisation of the signed-in partner operator, or an empty recordset.

        The rule on `social.network.member` leaves a partner their own organisation only; an
        organisation whose protocol is not in force has revoked its operators already."""
        member = request.env["social.network.member"]._of_current_partner()
        return member if member.is_active else member.browse()

    def _network_is_referent(self, member):
        return bool(member) and member.referent_id == request.env.user.partner_id

    def _network_values(self, member, page_name, **values):
        """The values every partner page needs (layout, navigation)."""
        result = self._prepare_portal_layout_values()
        result.update(
            {
                "network_member": member,
                "network_is_referent": self._network_is_referent(member),
                "page_name": page_name,
            }
        )
        result.update(values)
        return result

    def _network_home_values(self, member):
        """Figures of the home page; each section adds its own (see the subclasses)."""
        return {}

    def _network_denied(self):
        """Not a partner operator of an active organisation: back to the portal home."""
        return request.redirect("/my")

    @http.route("/my/network", type="http", auth="user", website=True)
    def portal_network_home(self, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        values = self._network_values(member, "network_home", **self._network_home_values(member))
        return request.render("social_secretariat_network.portal_network_home", values)
