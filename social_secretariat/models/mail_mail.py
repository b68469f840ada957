import smtplib

from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, auto_commit=False, raise_exception=False, smtp_session=None, **kwargs):
        """The relay gone in the middle of an e-mail (SMTPServerDisconnected): Odoo marks each
        e-mail `exception` ("Error without exception") before it tries it, and lets that error
        through; the mail queue catches it and its cron commits, so the e-mail stayed in
        `exception` for good, never sent, though the relay never accepted it. The queue
        commits after each e-mail (auto_commit), so rolling back here drops that mark only:
        the e-mail stays `outgoing` for the queue's next run (tests/test_fault_crons_mail.py)."""
        try:
            return super()._send(
                auto_commit=auto_commit,
                raise_exception=raise_exception,
                smtp_session=smtp_session,
                **kwargs,
            )
        except smtplib.SMTPServerDisconnected:
            if auto_commit is True:
                self.env.cr.rollback()
            raise
