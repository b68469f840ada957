from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        # Odoo keeps at most 10 MB of a form in memory, and werkzeug counts there a file part
        # with no line break: an upload just over the policy's limit would end on an error page
        # before the route could answer. A route that says how much its form may hold (the
        # request form: its files, one byte over the limit each, answered in the form) gets
        # that much; before the form is parsed, which the dispatch does after this.
        size = rule.endpoint.routing.get("social_form_memory_size")
        if size:
            # Odoo's HTTPRequest passes on max_content_length, not this: set on werkzeug's own
            request.httprequest._HTTPRequest__wrapped.max_form_memory_size = size
        return super()._pre_dispatch(rule, args)

    @classmethod
    def _get_default_lang(cls):
        """Italian first: a visitor whose address, cookie and browser name no language of the
        portal (a French browser, say) reads Italian, where Odoo would take the first active
        language, English; the switcher in the footer offers English to foreign citizens."""
        italian = request.env["res.lang"]._get_data(code="it_IT")
        return italian if italian.code else super()._get_default_lang()
