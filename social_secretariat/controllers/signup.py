from odoo import fields
from odoo.http import request, route

from odoo.addons.auth_signup.controllers.main import AuthSignupHome

from ..tools import text


class SocialSignup(AuthSignupHome):
    """Sign-up of citizens: the privacy notice must be accepted, and the acceptance is recorded
    as a consent on the citizen's person file."""

    def get_auth_signup_qcontext(self):
        qcontext = super().get_auth_signup_qcontext()
        # only the sign-up form posts the box; the reset password form never does
        if request.params.get("social_privacy"):
            qcontext["social_privacy"] = True
        return qcontext

    @route()
    def web_auth_signup(self, *args, **kw):
        if request.httprequest.method == "POST" and not kw.get("social_privacy"):
            qcontext = self.get_auth_signup_qcontext()
            if qcontext.get("token") or qcontext.get("signup_enabled"):
                # nothing is created: the form comes back with what was typed and the error
                qcontext.setdefault(
                    "error",
                    request.env._("To sign up you must accept the privacy notice."),
                )
                response = request.render("auth_signup.signup", qcontext)
                response.headers["X-Frame-Options"] = "SAMEORIGIN"
                response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
                return response
        return super().web_auth_signup(*args, **kw)

    def do_signup(self, qcontext):
        # the name becomes the partner's (and the person's): typed text, checked as such
        qcontext["name"] = text.clean_name(qcontext.get("name"))
        text.check_length(request.env, request.env._("Name"), qcontext["name"], text.NAME_MAX)
        if not qcontext.get("token"):
            # a new account (not an invitation): so many an hour from one address; a refusal
            # is a UserError, which the form shows
            request.env["social.rate.limit"]._take_signup(request.httprequest.remote_addr)
        result = super().do_signup(qcontext)
        if qcontext.get("social_privacy"):
            self._social_record_signup_consent(qcontext.get("login"))
        return result

    def _social_record_signup_consent(self, login):
        # sudo: the new citizen (or the public user, with two-factor sign-in) has no right on
        # person files; the person is created for, and looked up by, the new user's partner only
        Users = request.env["res.users"].sudo()
        user = Users.search(Users._get_login_domain(login), order=Users._get_login_order(), limit=1)
        if not user:
            return
        partner = user.partner_id
        Person = request.env["social.person"].sudo().with_company(user.company_id)
        person = Person._find_or_create_for_partner(partner, user.company_id)
        request.env["social.consent"].sudo().create(
            {
                "person_id": person.id,
                "purpose": "services",
                "legal_basis": "consent",
                "channel": "portal",
                "date_given": fields.Date.context_today(person),
                "note": request.env._("Privacy notice accepted when signing up on the portal."),
            }
        )
