"""Names, places, phone numbers and codici fiscali of the generated persons: the one
source for the demo history (history.py) and the benchmark seeds (volume.py)."""

import unicodedata

import phonenumbers
from stdnum.it.codicefiscale import calc_check_digit

try:
    from codicefiscale import codicefiscale as cf_lib
except ImportError:  # pragma: no cover - a requirement of the addon
    cf_lib = None
# ------------------------------------------------------------
# Names and places
# ------------------------------------------------------------

ITALIAN_MALE = [
    "Giuseppe", "Giovanni", "Antonio", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro",
    "Salvatore", "Carlo", "Franco", "Domenico", "Bruno", "Paolo", "Michele", "Giorgio", "Sergio",
    "Luca", "Marco", "Andrea", "Alessandro", "Davide", "Matteo", "Stefano", "Roberto", "Simone",
    "Fabio", "Daniele", "Lorenzo", "Riccardo", "Gianluca", "Enrico",
]  # fmt: skip
ITALIAN_FEMALE = [
    "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Teresa", "Lucia", "Carmela", "Caterina",
    "Francesca", "Antonella", "Laura", "Paola", "Chiara", "Martina", "Federica", "Silvia",
    "Valentina", "Alessandra", "Cristina", "Barbara", "Simona", "Roberta", "Monica", "Luisa",
    "Patrizia", "Daniela", "Graziella", "Noemi", "Beatrice",
]  # fmt: skip
ITALIAN_LAST = [
    "Rossi", "Ferrari", "Bianchi", "Romano", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
    "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Caruso", "Ferrara", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Serra", "Coppola", "De Santis", "D'Angelo",
    "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Fabbri", "Marini", "Grasso", "Sala",
    "Gatti", "Pellegrini", "Palumbo", "Farina", "Monti", "Cattaneo", "Morelli", "Amato",
    "Mazza", "Testa", "Carbone", "Barone", "Caputo", "Guerra", "Fiore", "De Rosa", "Riva",
    "Donati", "Sartori", "Neri", "Milani", "Pagano", "Sorrentino", "Orlando", "Negri",
    "Fumagalli", "Galbiati", "Mauri", "Sironi", "Cazzaniga", "Radaelli", "Pirovano",
]  # fmt: skip
ITALIAN_BIRTHPLACES = [
    ("Milano", 10), ("Pioltello", 3), ("Segrate", 2), ("Vimodrone", 1), ("Cernusco sul Naviglio", 2),
    ("Sesto San Giovanni", 1), ("Bergamo", 1), ("Napoli", 3), ("Palermo", 2), ("Bari", 2),
    ("Catania", 1), ("Foggia", 2), ("Cosenza", 1), ("Lecce", 1), ("Reggio di Calabria", 1),
    ("Caltanissetta", 1), ("Salerno", 1),
]  # fmt: skip

# key: (country xmlid, birthplace for the codice fiscale, male names, female names, last names,
#       languages, weight)
FOREIGN = {
    "morocco": ("base.ma", "Marocco",
                ["Mohamed", "Youssef", "Rachid", "Hassan", "Karim", "Abdellah", "Mustapha", "Omar"],
                ["Fatima", "Khadija", "Amina", "Naima", "Samira", "Latifa", "Zineb", "Hanane"],
                ["El Amrani", "Benali", "Bouzid", "El Idrissi", "Chakir", "Haddad", "Alaoui", "Tazi"],
                ["ar", "fr", "it"], 9),
    "romania": ("base.ro", "Romania",
                ["Ion", "Andrei", "Mihai", "Constantin", "Gheorghe", "Florin", "Adrian", "Cristian"],
                ["Elena", "Ioana", "Andreea", "Mihaela", "Gabriela", "Daniela", "Georgiana", "Maria"],
                ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Munteanu", "Rusu"],
                ["ro", "it"], 8),
    "albania": ("base.al", "Albania",
                ["Arben", "Ilir", "Gentian", "Besnik", "Erion", "Fatmir", "Artan"],
                ["Blerta", "Elira", "Mirela", "Valbona", "Anila", "Entela", "Lindita"],
                ["Hoxha", "Shehu", "Kola", "Leka", "Gjoka", "Dervishi", "Basha", "Mema"],
                ["sq_AL", "it"], 6),
    "ukraine": ("base.ua", "Ucraina",
                ["Oleksandr", "Andriy", "Serhiy", "Volodymyr", "Dmytro"],
                ["Olena", "Natalia", "Oksana", "Iryna", "Tetiana", "Svitlana", "Halyna"],
                ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko"],
                ["uk_UA", "ru"], 5),
    "senegal": ("base.sn", "Senegal",
                ["Mamadou", "Cheikh", "Ousmane", "Abdoulaye", "Moussa", "Modou"],
                ["Fatou", "Aminata", "Awa", "Mariama", "Coumba", "Ndeye"],
                ["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Mbaye", "Sarr", "Faye"],
                ["fr", "it"], 4),
    "peru": ("base.pe", "Peru",
             ["José", "Luis", "Carlos", "Jorge", "Juan", "Miguel"],
             ["Rosa", "Carmen", "Gladys", "Milagros", "Maribel", "Yolanda"],
             ["Quispe", "Flores", "Huamán", "Mamani", "Rojas", "Torres", "Chávez", "Vargas"],
             ["es", "it"], 4),
    "china": ("base.cn", "Repubblica Popolare Cinese",
              ["Wei", "Jun", "Hao", "Lei", "Ming"],
              ["Mei", "Fang", "Yan", "Jing", "Xiu Ying"],
              ["Hu", "Chen", "Wang", "Zhou", "Zhang", "Lin", "Xu", "Ye"],
              ["zh_CN"], 3),
    "egypt": ("base.eg", "Egitto",
              ["Ahmed", "Mahmoud", "Mostafa", "Karim"],
              ["Mona", "Heba", "Nour"],
              ["Abdelrahman", "Hassan", "Mansour", "Farouk"],
              ["ar", "it"], 2),
}  # fmt: skip
ITALIAN_PLACES = {name for name, _weight in ITALIAN_BIRTHPLACES}
BIRTHPLACE_LABELS = {"Peru": "Perù", "Repubblica Popolare Cinese": "Cina"}

STREETS = {
    "pioltello": ["Via Wagner", "Via Mozart", "Via Cimarosa", "Via Bellini", "Via Roma", "Via Milano",
                  "Via San Francesco", "Via Cattaneo", "Via Leoncavallo", "Via Puccini"],
    "segrate": ["Via Cassanese", "Via Morandi", "Via Rugacesio", "Via Redecesio", "Via Primo Maggio"],
    "vimodrone": ["Via Piave", "Via Battisti", "Via Padana Superiore", "Via Fiume", "Via Leopardi"],
    "rodano": ["Via Turati", "Via Roma", "Via Pascoli"],
    "cassina_de_pecchi": ["Via Roma", "Via Trieste", "Via Don Milani", "Via Mazzini"],
}  # fmt: skip
MUNICIPALITY_WEIGHTS = [
    ("pioltello", 40), ("segrate", 24), ("vimodrone", 16), ("rodano", 8), ("cassina_de_pecchi", 12),
]  # fmt: skip
MOBILE_PREFIXES = ["320", "327", "328", "329", "331", "333", "334", "335", "338", "339", "340",
                   "342", "345", "346", "347", "348", "349", "351", "366", "380", "388", "389",
                   "392", "393"]  # fmt: skip


def ascii_name(text):
    """A name as an e-mail local part: no accents, spaces or apostrophes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum())


def phone_number(rng, mobile=True):
    """A valid Italian number (a mobile, or a landline of the Martesana), or False."""
    for _attempt in range(20):
        if mobile:
            number = "+39 %s %03d %04d" % (
                rng.choice(MOBILE_PREFIXES),
                rng.randint(100, 999),
                rng.randint(0, 9999),
            )
        else:
            number = "+39 02 %04d %04d" % (rng.randint(9000, 9599), rng.randint(0, 9999))
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "IT")):
                return number
        except phonenumbers.NumberParseException:
            continue
    return False


def real_fiscal_code(last, first, female, birth, place):
    """The codice fiscale of a person as the Agenzia delle Entrate would compute it (name
    letters, date, Belfiore code of `place`), or False for a place unknown at that date."""
    try:
        return cf_lib.encode(
            lastname=last,
            firstname=first,
            gender="F" if female else "M",
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace=place,
        )
    except ValueError:
        return False


def belfiore_code(place):
    """The cadastral (Belfiore) code of an Italian municipality or a foreign country, by
    its Italian name, as in a codice fiscale."""
    return cf_lib.encode_birthplace(place)


MONTHS = "ABCDEHLMPRST"


def numbered_fiscal_code(number, birth_date, female, belfiore):
    """A valid codice fiscale whose six name letters encode `number` (base 26): unique for
    every number below 26**6, whatever the date and the place. For volume, where drawing
    real codes and discarding the duplicates would cost too much."""
    number = number * 11_400_811 % 26**6  # a bijection: the codes look scattered
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 26)
        letters.append(chr(65 + digit))
    day = birth_date.day + (40 if female else 0)
    code = (
        "".join(reversed(letters))
        + f"{birth_date.year % 100:02d}"
        + MONTHS[birth_date.month - 1]
        + f"{day:02d}"
        + belfiore
    )
    return code + calc_check_digit(code)
