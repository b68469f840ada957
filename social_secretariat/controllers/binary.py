import json
import logging
import unicodedata

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools.translate import LazyTranslate

from odoo.addons.web.controllers.binary import Binary, clean

_logger = logging.getLogger(__name__)
# Odoo's own answers below, with the web module's translations
web_text = LazyTranslate("odoo.addons.web")


class SocialBinary(Binary):
    @http.route()
    # `id`: the name of the form field the web client posts, as in Odoo's route
    def upload_attachment(self, model, id, ufile, callback=None):  # pylint: disable=redefined-builtin
        """The backend's file fields (many2many_binary: a consent's signed form). Odoo's route
        answers any refusal but an access error with "Something horrible happened" and logs
        an error: here a refusal with a reason (a full disk, models/ir_attachment.py) is
        answered with its reason, which the field shows. Else as Odoo's."""
        if callback:
            return super().upload_attachment(model, id, ufile, callback=callback)
        answers = []
        for upload in request.httprequest.files.getlist("ufile"):
            filename = upload.filename
            if request.httprequest.user_agent.browser == "safari":
                # as Odoo: Safari sends the name decomposed (NFD) and expects it back so
                filename = unicodedata.normalize("NFD", upload.filename)
            try:
                # one file's refusal leaves no trace of it; the other files are kept
                with request.env.cr.savepoint():
                    attachment = request.env["ir.attachment"].create(
                        {
                            "name": filename,
                            "raw": upload.read(),
                            "res_model": model,
                            "res_id": int(id),
                        }
                    )
                    attachment._post_add_create()
            except AccessError:
                answers.append(
                    {
                        "error": request.env._(
                            web_text("You are not allowed to upload an attachment here.")
                        )
                    }
                )
            except UserError as refused:
                answers.append({"error": refused.args[0]})
            except Exception:  # as Odoo: the other files go on
                answers.append({"error": request.env._(web_text("Something horrible happened"))})
                _logger.exception("Fail to upload attachment %s", upload.filename)
            else:
                answers.append(
                    {
                        "filename": clean(filename),
                        "mimetype": attachment.mimetype,
                        "id": attachment.id,
                        "size": attachment.file_size,
                    }
                )
        return json.dumps(answers)
