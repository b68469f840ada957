from odoo import http
from odoo.http import request


class SocialPrivacy(http.Controller):
    """The Ambito's privacy notice (GDPR art. 13) as a public page: the sign-up and the
    booking ask the citizen to have read it, so it must be one click away for visitors too."""

    @http.route("/social/privacy", type="http", auth="public", website=True, sitemap=True)
    def privacy_notice(self, **kw):
        # the text of the signed-in user's Ambito (the visitor's: the default company), as
        # edited in Settings; res.company is readable by visitors (base's access rights)
        return request.render(
            "social_secretariat.social_privacy_notice_page",
            {"company": request.env.company, "page_name": "social_privacy"},
        )
