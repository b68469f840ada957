from . import suppression
