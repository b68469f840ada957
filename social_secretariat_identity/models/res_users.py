import logging
import secrets

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessDenied, ValidationError
from odoo.http import request

from odoo.addons.social_secretariat.tools import fiscal_code

from ..tools import claims as identity_claims
from .res_config_settings import SECOND_FACTOR_PARAM

try:
    from jose.exceptions import JOSEError
except ImportError:  # pragma: no cover - auth_oidc declares python-jose
    JOSEError = ValueError

_logger = logging.getLogger(__name__)

# Where the sign-in leaves its outcome for the controller (controllers/identity.py): a
# refusal reason, or the verified identity of a new citizen waiting for the consent page.
SESSION_KEY = "social_identity"


class ResUsers(models.Model):
    _inherit = "res.users"

    # The codice fiscale of the account's holder, verified by SPID/CIE (or recorded by staff
    # for a partner's operator): the one key an identity attaches to an account by.
    social_fiscal_code = fields.Char(
        string="Codice fiscale (digital identity)",
        size=16,
        copy=False,
        groups="base.group_system,social_secretariat.group_social_coordinator",
    )

    _sql_constraints = [
        (
            "social_fiscal_code_uniq",
            "unique(social_fiscal_code)",
            "Another account is already linked to this codice fiscale.",
        )
    ]

    @api.constrains("social_fiscal_code")
    def _check_social_fiscal_code(self):
        Person = self.env["social.person"]
        for user in self.filtered("social_fiscal_code"):
            problem = fiscal_code.problem(user.social_fiscal_code)
            if problem:
                raise ValidationError(
                    Person._fiscal_code_problem_message(user.social_fiscal_code, problem)
                )

    # ------------------------------------------------------------
    # Second factor of the staff
    # ------------------------------------------------------------

    def _social_second_factor_required(self):
        """Staff of the social secretariat need TOTP while the policy is on."""
        self.ensure_one()
        # sudo: the policy is a system parameter, the groups of the user being checked
        if not self.env["ir.config_parameter"].sudo().get_param(SECOND_FACTOR_PARAM):
            return False
        user = self.sudo()  # sudo: the groups of the user being checked
        return user._is_internal() and user.has_group("social_secretariat.group_social_operator")

    def _mfa_enforced(self):
        # auth_totp_enforce holds every internal user until TOTP is set up, the exempt group
        # aside: the policy switch decides for all, and the social staff are never exempt
        if not self.env["ir.config_parameter"].sudo().get_param(SECOND_FACTOR_PARAM):
            return False
        return self._social_second_factor_required() or super()._mfa_enforced()

    def _get_signup_invitation_scope(self):
        scope = super()._get_signup_invitation_scope()
        # no user on the login form's POST (auth="none"): the visitors' Ambito, the public
        # user's company, as on the page they were shown
        company = self.env.company or self.env.ref("base.public_user").sudo().company_id
        if (
            scope == "b2c"
            and company._social_identity_enabled()
            and not company.social_local_signup
        ):
            # citizens of an Ambito with SPID/CIE sign in with them: no local accounts unless
            # the Ambito keeps them open (invitations by staff still work)
            return "b2b"
        return scope

    # ------------------------------------------------------------
    # Sign-in with SPID/CIE
    # ------------------------------------------------------------

    @api.model
    def auth_oauth(self, provider, params):
        oauth_provider = self.env["auth.oauth.provider"].browse(provider)
        if not oauth_provider.social_kind:
            return super().auth_oauth(provider, params)
        try:
            dbname, login, _access_token = super().auth_oauth(provider, params)
            # the session opens with the account's own sign-in secret (see _social_sign_in_secret)
            user = self.search([("login", "=", login)], limit=1)
            return dbname, login, user.oauth_access_token
        except AccessDenied:
            if SESSION_KEY not in request.session:
                # refused by auth_oidc itself (no access or id token, no subject, no key of
                # the provider for the token's signature): the token is not to be trusted
                _logger.warning(
                    "SPID/CIE sign-in refused (provider %s): no valid id_token", provider
                )
                request.session[SESSION_KEY] = {"refused": "token"}
            raise
        except (requests.RequestException, JOSEError, ValueError) as error:
            # a replayed or forged code, or an id_token that fails its checks: a refusal the
            # citizen can act on (start again), not a server error
            _logger.warning(
                "SPID/CIE sign-in refused (provider %s): the token could not be verified: %s",
                oauth_provider.id,
                error,
            )
            self._social_identity_refuse("token")

    def _social_identity_refuse(self, reason):
        request.session[SESSION_KEY] = {"refused": reason}
        raise AccessDenied()

    @api.model
    def _auth_oauth_signin(self, provider, validation, params):
        oauth_provider = self.env["auth.oauth.provider"].browse(provider)
        if not oauth_provider.social_kind:
            return super()._auth_oauth_signin(provider, validation, params)
        code, reason = identity_claims.fiscal_code_from_claims(validation)
        if reason:
            _logger.info("SPID/CIE sign-in refused: %s (provider %s)", reason, provider)
            self._social_identity_refuse(reason)
        if identity_claims.acr_level(validation) < int(oauth_provider.social_min_acr or 2):
            _logger.info("SPID/CIE sign-in refused: acr %r too low", validation.get("acr"))
            self._social_identity_refuse("low_acr")
        user = self._social_identity_match(oauth_provider, validation, code)
        if not user:
            request.session[SESSION_KEY] = {
                "pending": self._social_identity_pending(oauth_provider, validation, code)
            }
            raise AccessDenied()
        link = {
            "oauth_provider_id": oauth_provider.id,
            "oauth_uid": validation["user_id"],
            "social_fiscal_code": code,
        }
        changed = {
            name: value
            for name, value in link.items()
            if (user[name].id if name == "oauth_provider_id" else user[name]) != value
        }
        if not user.oauth_access_token:
            changed["oauth_access_token"] = self._social_sign_in_secret()
        if changed:
            user.write(changed)
        return user.login

    @api.model
    def _social_sign_in_secret(self):
        """The account's sign-in secret: what auth_oauth's session check compares (the
        `oauth_access_token` column), set once when the identity is first linked.

        Odoo's auth_oauth stores the provider's access token there at every sign-in. That
        column is part of the session token, so every such write clears the caches of every
        worker (res.users._get_invalidation_fields): under an Ambito's morning of SPID
        sign-ins, each worker rebuilt its caches every few seconds and pages took ten times
        longer (bench/README.md, "Load"). The SPID/CIE access token is used for nothing else
        (the id_token carries the identity, verified before this), so a secret of our own,
        never sent to the browser, opens the session as well; as with a password, signing
        in again does not end the account's other sessions, signing out does."""
        return secrets.token_urlsafe(32)

    def _social_identity_match(self, oauth_provider, validation, code):
        """The account of the holder of `code`, or nothing for a new citizen. Refuses an
        identity that another account holds, and an account that only shares its e-mail."""
        company = oauth_provider.social_company_id
        Users = self.with_context(active_test=False)
        holder = Users.search(
            [
                ("oauth_provider_id", "=", oauth_provider.id),
                ("oauth_uid", "=", validation["user_id"]),
            ]
        )
        if holder and holder.social_fiscal_code and holder.social_fiscal_code != code:
            self._social_identity_conflict(holder, code, "the identity is linked to it")
        by_code = Users.search([("social_fiscal_code", "=", code)])
        if not by_code:
            person = self.env["social.person"].search(
                [("fiscal_code", "=", code), ("company_id", "=", company.id)], limit=1
            )
            by_code = person.partner_id.user_ids
            if len(by_code) > 1 or (by_code and by_code.social_fiscal_code):
                # the file's contact has several accounts, or one linked to another code
                self._social_identity_conflict(by_code[:1], code, "its person file")
        if holder and not by_code:
            # the identity's account (linked before, or by hand) is not the holder of the code
            self._social_identity_conflict(holder, code, "its account holds no such code")
        if holder and by_code and holder != by_code:
            self._social_identity_conflict(holder, code, "another account holds the code")
        if by_code:
            if not by_code.active or not by_code.share:
                # staff sign in with their password and second factor; archived accounts stay
                # closed
                self._social_identity_refuse("staff")
            partners = self.env.ref(
                "social_secretariat_network.group_social_partner", raise_if_not_found=False
            )
            if partners and partners in by_code.groups_id and not company.social_identity_partners:
                self._social_identity_refuse("partner")
            return by_code
        email = (validation.get("email") or "").strip()
        if email and Users.search_count(
            ["|", ("login", "=ilike", email), ("email", "=ilike", email)], limit=1
        ):
            # no takeover: an e-mail address proves nothing about who holds the account
            _logger.warning(
                "SPID/CIE sign-in refused: the e-mail of the identity matches an account "
                "not linked to its codice fiscale"
            )
            self._social_identity_refuse("email_match")
        return self.browse()

    def _social_identity_conflict(self, user, code, why):
        _logger.warning(
            "SPID/CIE sign-in refused: account %s is linked to another codice fiscale than "
            "the identity's %s*** (%s)",
            user.id,
            code[:6],
            why,
        )
        self._social_identity_refuse("conflict")

    def _social_identity_pending(self, oauth_provider, validation, code):
        """What the consent page needs to create the account: the verified claims."""
        return {
            "provider_id": oauth_provider.id,
            "uid": validation["user_id"],
            "fiscal_code": code,
            "first_name": (validation.get("given_name") or "").strip()[:100],
            "last_name": (validation.get("family_name") or "").strip()[:100],
            "email": (validation.get("email") or "").strip()[:200],
            "phone": (validation.get("phone_number") or validation.get("mobilePhone") or "")[:40],
            "at": fields.Datetime.to_string(fields.Datetime.now()),
        }

    @api.model
    def _social_identity_create(self, pending):
        """The portal account and the person file of a new citizen who accepted the privacy
        notice; returns (user, one-time token to open the session with)."""
        provider = self.env["auth.oauth.provider"].browse(pending["provider_id"]).exists()
        if not provider.social_kind or not provider.enabled:
            raise AccessDenied()
        # checked again: someone may have signed in with the same code meanwhile
        validation = {"user_id": pending["uid"], "email": pending["email"]}
        if self._social_identity_match(provider, validation, pending["fiscal_code"]):
            self._social_identity_refuse("conflict")
        company = provider.social_company_id
        Person = self.env["social.person"].with_company(company)
        person = Person.search(
            [("fiscal_code", "=", pending["fiscal_code"]), ("company_id", "=", company.id)],
            limit=1,
        )
        name = " ".join(p for p in (pending["first_name"], pending["last_name"]) if p)
        token = self._social_sign_in_secret()
        values = {
            "login": pending["fiscal_code"].lower(),
            "name": name or pending["fiscal_code"],
            "email": pending["email"] or False,
            "company_id": company.id,
            "company_ids": [fields.Command.set(company.ids)],
            "oauth_provider_id": provider.id,
            "oauth_uid": pending["uid"],
            "oauth_access_token": token,
            "social_fiscal_code": pending["fiscal_code"],
        }
        if person:
            # a citizen the desks already know: the account is theirs, on their contact
            values["partner_id"] = person.partner_id.id
        user = self.with_company(company)._create_user_from_template(values)
        if not person:
            if pending["phone"]:
                user.partner_id.phone = pending["phone"]
            person = Person.create(
                {
                    "partner_id": user.partner_id.id,
                    "first_name": pending["first_name"] or name,
                    "last_name": pending["last_name"] or name,
                    "fiscal_code": pending["fiscal_code"],
                    "company_id": company.id,
                }
            )
        self.env["social.consent"].create(
            {
                "person_id": person.id,
                "purpose": "services",
                "legal_basis": "consent",
                "channel": "portal",
                "date_given": fields.Date.context_today(person),
                "note": self.env._(
                    "Privacy notice accepted when signing in with %(kind)s.",
                    kind=dict(provider._fields["social_kind"].selection)[provider.social_kind],
                ),
            }
        )
        return user, token
