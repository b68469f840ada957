"""The Italian national public holidays: plain Python, no Odoo environment, no database.

The names are data (the reasons the closed days show to staff and citizens), in Italian. The
Odoo side (the `resource.calendar.leaves` that close the desks) is `social.holiday.sync`.
"""

from datetime import date, timedelta

from dateutil.easter import easter

# (month, day, name): the fixed holidays of law 260/1949 (art. 2, as amended) and 2 June
FIXED = (
    (1, 1, "Capodanno"),
    (1, 6, "Epifania"),
    (4, 25, "Festa della Liberazione"),
    (5, 1, "Festa del Lavoro"),
    (6, 2, "Festa della Repubblica"),
    (8, 15, "Ferragosto (Assunzione)"),
    (11, 1, "Ognissanti"),
    (12, 8, "Immacolata Concezione"),
    (12, 25, "Natale"),
    (12, 26, "Santo Stefano"),
)
# Law 151/2025 (8 October 2025, in force from 1 January 2026) adds 4 October, the national
# feast of Saint Francis of Assisi, to the holidays of law 260/1949 art. 2.
SAINT_FRANCIS_FROM = 2026
SAINT_FRANCIS = "San Francesco d'Assisi, patrono d'Italia"


def italian_holidays(year):
    """[(date, Italian name)] of the national public holidays of `year`, in date order."""
    days = [(date(year, month, day), name) for month, day, name in FIXED]
    days.append((easter(year) + timedelta(days=1), "Lunedì dell'Angelo (Pasquetta)"))
    if year >= SAINT_FRANCIS_FROM:
        days.append((date(year, 10, 4), SAINT_FRANCIS))
    return sorted(days)
