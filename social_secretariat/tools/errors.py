"""Exceptions the pages tell apart by type, never by their (translated) text."""

from odoo.exceptions import UserError


class SlotTakenError(UserError):
    """A booking lost its time to someone else: a concurrent request won the database
    constraint, or the last free operator or room went to a booking made since the page
    was shown. The booking pages answer 409 "taken" for it; the staff see its message."""
