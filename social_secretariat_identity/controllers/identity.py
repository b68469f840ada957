import logging
from datetime import timedelta

import werkzeug.urls

from odoo import fields, http
from odoo.exceptions import AccessDenied
from odoo.http import request

from odoo.addons.auth_oauth.controllers.main import OAuthController
from odoo.addons.auth_oidc.controllers.main import OpenIDLogin

from ..models.res_users import SESSION_KEY

_logger = logging.getLogger(__name__)

PENDING_KEY = "social_identity_pending"
# The verified identity waits this long for the consent page, no longer.
PENDING_MINUTES = 15
REASONS = (
    "no_code",
    "bad_code",
    "low_acr",
    "email_match",
    "conflict",
    "token",
    "staff",
    "partner",
    "expired",
)
# Where a citizen lands after signing in, unless the sign-in was asked from another page.
LANDING = "/my/social/appointments"


class SocialIdentityLogin(OpenIDLogin):
    def list_providers(self):
        providers = super().list_providers()
        # SPID first, then CIE, then any other provider (the login page shows them in order)
        order = {"spid": 0, "cie": 1}
        return sorted(providers, key=lambda p: order.get(p.get("social_kind") or "", 2))


class SocialIdentityController(OAuthController):
    @http.route()
    def signin(self, **kw):
        request.session.pop(SESSION_KEY, None)
        response = super().signin(**kw)
        outcome = request.session.pop(SESSION_KEY, None)
        if outcome and outcome.get("refused"):
            return request.redirect(f"/social/identity/refused?reason={outcome['refused']}", 303)
        if outcome and outcome.get("pending"):
            request.session[PENDING_KEY] = outcome["pending"]
            return request.redirect("/social/identity/consent", 303)
        location = werkzeug.urls.url_parse(response.location or "")
        if request.session.uid and location.path in ("/", "/web", "/odoo", "/my"):
            user = request.env["res.users"].browse(request.session.uid)
            # sudo: the signed-in user's own groups
            if user.sudo().share and user.sudo().partner_id.social_person_id:
                response.location = LANDING
        return response

    @http.route("/social/identity/refused", type="http", auth="public", website=True, sitemap=False)
    def refused(self, reason=None, **kw):
        reason = reason if reason in REASONS else "token"
        return request.render(
            "social_secretariat_identity.identity_refused_page", {"reason": reason}
        )

    def _pending(self):
        pending = request.session.get(PENDING_KEY)
        if not pending:
            return None
        at = fields.Datetime.to_datetime(pending.get("at"))
        if not at or fields.Datetime.now() - at > timedelta(minutes=PENDING_MINUTES):
            request.session.pop(PENDING_KEY, None)
            return None
        return pending

    @http.route(
        "/social/identity/consent",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def consent(self, **post):
        pending = self._pending()
        if not pending:
            return request.redirect("/social/identity/refused?reason=expired", 303)
        # sudo: the visitor has no right on providers or companies; only the Ambito of the
        # verified identity is shown, with its privacy notice
        provider = request.env["auth.oauth.provider"].sudo().browse(pending["provider_id"])
        values = {
            "pending": pending,
            "pending_name": " ".join(
                part for part in (pending["first_name"], pending["last_name"]) if part
            ),
            "company": provider.social_company_id,
            "error": None,
        }
        if request.httprequest.method == "POST":
            if not post.get("social_privacy"):
                values["error"] = request.env._("To go on you must accept the privacy notice.")
            else:
                return self._consent_accepted(pending)
        return request.render("social_secretariat_identity.identity_consent_page", values)

    def _consent_accepted(self, pending):
        request.session.pop(PENDING_KEY, None)
        try:
            # sudo: the visitor becomes a citizen; the account and the file are created for
            # the identity SPID/CIE verified, held in this server-side session only
            user, token = request.env["res.users"].sudo()._social_identity_create(pending)
        except AccessDenied:
            outcome = request.session.pop(SESSION_KEY, None) or {}
            return request.redirect(
                f"/social/identity/refused?reason={outcome.get('refused', 'conflict')}", 303
            )
        login = user.login
        request.env.cr.commit()  # authenticate() checks the token in its own transaction
        credential = {"login": login, "token": token, "type": "oauth_token"}
        request.session.authenticate(request.db, credential)
        return request.redirect(LANDING, 303)
