"""The access sweep of issue #8, run over JSON-RPC (`/web/dataset/call_kw`, each user's own
session cookie) and HTTP as the real users: citizens A and B, a network partner, an operator of
desk X and one of desk Y, a social worker, a coordinator and the observatory (aggregated figures
of its Ambito only, never a person).

1. For every model a role can read (every model of `ir.model`, asked to the server as that
   user), what it sees is only what it may: the table EXPECTED below says, per model and role,
   which rows are allowed; the allowed rows are computed as the admin over the same RPC. Models
   that point at persons through `res_model`/`res_id` (messages, followers, attachments,
   activities) are allowed only when their document is, and no readable row may name (in a
   many2one's display name) a person, contact, session, referral, appointment or request the
   role cannot read.
2. Every relational field of our models (`social.*`) that a role can write refuses a target the
   role cannot read, by `write` and by `create`, and no display name of the hidden target comes
   back.
3. No context key a client can send changes the answers: the reads and the refused writes are
   repeated with workflow/anonymisation/tracking keys and with `allowed_company_ids`; a direct
   write of a workflow `state` and a change to a done session are refused whatever the context.
4. Other ways in: a read by id of a hidden row, a name search, a domain that reaches through a
   link, the chatter routes of a hidden record, a citizen's pages and documents opened by
   another portal user, one's own message moved, re-signed or re-addressed.

Every user logs in once for the whole module (the login throttling counts logins per address).
A failure names the role, the model and the leaked ids.
"""

import base64
import contextlib
import re
from datetime import date

import pytest
from odoo_client import OdooClient, RPCError
from pages import hidden as hidden_input
from pages import hrefs

# ------------------------------------------------------------------------------------------
# Who
# ------------------------------------------------------------------------------------------

ROLES = {
    "citizen_a": ("cittadino", "citizen"),
    "citizen_b": ("cittadina", "citizen"),
    "partner": ("partner", "partner"),
    "operator_x": ("operatore", "operator"),
    "operator_y": ("operatrice", "operator"),
    "worker": ("assistente", "worker"),
    "coordinator": ("coordinatrice", "coordinator"),
    "observatory": ("osservatorio", "observatory"),
}
PORTAL_KINDS = ("citizen", "partner")
STAFF_ROLES = [r for r, (_login, kind) in ROLES.items() if kind not in PORTAL_KINDS]
PORTAL_ROLES = [r for r, (_login, kind) in ROLES.items() if kind in PORTAL_KINDS]

# the models that hold (or name) a person; a many2one to one of them must never show the name
# of a record the reader cannot read
SENSITIVE = (
    "social.person",
    "res.partner",
    "res.users",
    "social.listening.session",
    "social.referral",
    "social.appointment",
    "social.online.request",
    "social.consent",
)

# ------------------------------------------------------------------------------------------
# What each role may see: model -> {kind: rule}
#   a rule is a function of the role (see Role) returning the admin domain of the allowed rows,
#   ALL (anything readable is fine: configuration, catalogue) or DOCUMENT (a row is allowed
#   when the record it is attached to — res_model/res_id — is allowed, see _doc_allowed).
# ------------------------------------------------------------------------------------------

ALL = "all"
DOCUMENT = "document"


def NONE(r):
    return [("id", "=", 0)]


def own_person(r):
    return [("partner_id", "=", r.partner)]


def op_person(r):
    # the operators' need-to-know: persons they created, met, or met at their desks
    return [
        "|",
        "|",
        ("create_uid", "=", r.uid),
        ("met_desk_ids", "in", r.desks),
        ("met_operator_ids", "in", r.uid),
    ]


def op_session(r):
    # their desks' sessions, special-category ones only if they held them
    return [
        "|",
        "|",
        ("operator_ids", "in", r.uid),
        ("create_uid", "=", r.uid),
        "&",
        ("desk_id", "in", r.desks),
        ("is_special_category", "=", False),
    ]


def op_referral(r):
    return [
        "|",
        "|",
        "|",
        ("create_uid", "=", r.uid),
        ("sent_uid", "=", r.uid),
        ("receiving_user_ids", "in", r.uid),
        "&",
        ("origin_desk_id", "in", r.desks),
        ("is_special_category", "=", False),
    ]


def worker_referral(r):
    # and the referrals they receive, or their desks receive
    return ["|", "|", ("receiving_user_ids", "in", r.uid), ("target_desk_id", "in", r.desks)] + (
        op_referral(r)
    )


def op_appointment(r):
    return [
        "|",
        "|",
        ("operator_ids", "in", r.uid),
        ("create_uid", "=", r.uid),
        ("desk_id", "in", r.desks),
    ]


def op_request(r):
    return ["|", "|", ("user_id", "=", r.uid), ("desk_id", "=", False), ("desk_id", "in", r.desks)]


def op_consent(r):
    return [
        "|",
        "|",
        ("create_uid", "=", r.uid),
        ("person_id.met_desk_ids", "in", r.desks),
        ("person_id.met_operator_ids", "in", r.uid),
    ]


def own_commercial(r):
    return [("id", "child_of", r.commercial)]


def staff_partner(r):
    # a contact of a person only if the person's file is readable
    return ["!", ("id", "in", r.hidden_partners)]


def staff_user(r):
    return ["!", ("partner_id", "in", r.hidden_partners)]


def partner_not_hidden(field):
    return lambda r: ["!", (field, "in", r.hidden_partners)]


def individuals(r):
    """Contacts of individuals of the public: no staff, no organisation nor its people."""
    return [
        ("partner_share", "=", True),
        ("is_company", "=", False),
        ("parent_id", "=", False),
        ("id", "!=", r.partner),
    ]


def own_channels(r):
    return [("channel_member_ids.partner_id", "=", r.partner)]


def own_ambito(r):
    return [("company_id", "in", r.companies)]


EVERYONE = {
    "citizen": ALL,
    "partner": ALL,
    "operator": ALL,
    "worker": ALL,
    "coordinator": ALL,
    "observatory": ALL,
}


def staff(operator, worker=ALL, coordinator=ALL, portal=NONE, observatory=NONE):
    """One row of the table: the rule of each kind of role (citizens and partners: `portal`).
    The observatory reads aggregated figures only: nothing of a file unless said."""
    return {
        "citizen": portal,
        "partner": portal,
        "operator": operator,
        "worker": worker,
        "coordinator": coordinator,
        "observatory": observatory,
    }


def all_staff(rule, portal):
    """The same rule for every internal user: operators, social workers, coordinators and the
    observatory (Odoo's models that name persons: what any internal user reads of them)."""
    return staff(rule, rule, rule, portal=portal, observatory=rule)


def observatory_figures():
    """The observatory's analyses: the rows of the reader's Ambiti, for the observatory and
    the coordinators; nobody else reads them."""
    return staff(NONE, worker=NONE, coordinator=own_ambito, observatory=own_ambito)


EXPECTED = {
    # the files
    "social.person": staff(op_person, portal=own_person),
    "social.listening.session": staff(op_session),
    # a partner: the referrals of their organisation (the person's file is a staff-only field)
    "social.referral": {
        **staff(op_referral, worker=worker_referral),
        "partner": lambda r: [("network_member_id.operator_ids.user_id", "=", r.uid)],
    },
    "social.appointment": staff(
        op_appointment,
        portal=lambda r: [
            "|",
            ("partner_id", "=", r.partner),
            ("person_id.partner_id", "=", r.partner),
        ],
    ),
    "social.online.request": staff(op_request, portal=lambda r: [("partner_id", "=", r.partner)]),
    "social.consent": staff(
        op_consent, portal=lambda r: [("person_id.partner_id", "=", r.partner)]
    ),
    "social.person.access.log": staff(NONE, worker=NONE),
    "social.appointment.busy": staff(ALL),
    # the catalogue and the configuration: public, or staff-wide
    "social.desk": EVERYONE,
    "social.municipality": EVERYONE,
    "social.need": EVERYONE,
    "social.appointment.topic": EVERYONE,
    "social.service": staff(ALL, portal=lambda r: [("is_published", "=", True)], observatory=ALL),
    "social.service.document": staff(
        ALL, portal=lambda r: [("service_id.is_published", "=", True)], observatory=ALL
    ),
    # the observatory's figures (social_secretariat_reports): sums, no person key among their
    # fields; the Ambito's residents by municipality and year
    "social.report.session.need": observatory_figures(),
    "social.report.contact": observatory_figures(),
    "social.report.person": observatory_figures(),
    "social.report.referral": observatory_figures(),
    "social.report.desk": observatory_figures(),
    "social.report.unmet.need": observatory_figures(),
    "social.municipality.population": observatory_figures(),
    # Odoo's models that name persons
    "res.partner": all_staff(staff_partner, portal=own_commercial),
    "res.users": all_staff(staff_user, portal=lambda r: [("id", "=", r.uid)]),
    "mail.message": all_staff(DOCUMENT, portal=DOCUMENT),
    "mail.notification": all_staff(DOCUMENT, portal=DOCUMENT),
    "mail.followers": all_staff(DOCUMENT, portal=DOCUMENT),
    "mail.activity": all_staff(DOCUMENT, portal=DOCUMENT),
    "ir.attachment": all_staff(DOCUMENT, portal=DOCUMENT),
    "calendar.event": all_staff(DOCUMENT, portal=DOCUMENT),
    "calendar.attendee": all_staff(
        partner_not_hidden("partner_id"), portal=lambda r: [("partner_id", "=", r.partner)]
    ),
    # the channels an internal user reads (its own, the public ones): the members who are
    # persons are hidden by discuss.channel.member's row, the messages by their document's
    "discuss.channel": staff(ALL, portal=own_channels, observatory=ALL),
    "discuss.channel.member": all_staff(
        partner_not_hidden("partner_id"),
        portal=lambda r: [("channel_id.channel_member_ids.partner_id", "=", r.partner)],
    ),
    "res.partner.bank": all_staff(partner_not_hidden("partner_id"), portal=NONE),
    "calendar.filters": all_staff(partner_not_hidden("partner_id"), portal=NONE),
    "snailmail.letter": all_staff(partner_not_hidden("partner_id"), portal=NONE),
    # the partner network: staff read it; a partner their own organisation and its operators
    "social.network.role": {**staff(ALL), "partner": ALL},
    "social.network.member": {
        **staff(ALL),
        "partner": lambda r: [("operator_ids.user_id", "=", r.uid)],
    },
    "social.network.operator": {
        **staff(ALL),
        "partner": lambda r: [("member_id.operator_ids.user_id", "=", r.uid)],
    },
    # contacts logged at the network desks: staff of the Ambito read them, a partner their
    # organisation's (the person's file they were matched to is a staff-only field)
    "social.network.contact": {
        **staff(ALL),
        "partner": lambda r: [("member_id.operator_ids.user_id", "=", r.uid)],
    },
    # the referentes' requests about their operators: staff read them, a partner their
    # organisation's (only the referente asks); the figures per organisation: the coordinator
    "social.network.operator.request": {
        **staff(ALL),
        "partner": lambda r: [("member_id.operator_ids.user_id", "=", r.uid)],
    },
    "social.network.member.activity": staff(NONE, worker=NONE),
    # digital facilitation acts: staff of the Ambito read them, a partner their organisation's;
    # the competences they work on are reference data
    "social.digital.assistance": {
        **staff(ALL),
        "partner": lambda r: [("member_id.operator_ids.user_id", "=", r.uid)],
    },
    "social.digital.competence": {**staff(ALL), "partner": ALL},
}

# Readable by a citizen or a partner without naming anyone: Odoo's reference data and the
# user's own technical rows. Every other model a portal user can read must be in EXPECTED.
PORTAL_HARMLESS = {
    "res.company",
    "res.country",
    "res.country.group",
    "res.country.state",
    "res.currency",
    "res.currency.rate",
    "res.lang",
    "mail.message.subtype",
    "auth_totp.device",
    "bus.presence",
    "ir.filters",
    "res.users.apikeys",
    "res.partner.autocomplete.sync",
    "res.device",
    "res.device.log",
    "res.users.settings",
}

# Readable by the observatory (an internal user, base.group_user) without naming anyone: the
# configuration and reference data every internal user reads, none with a person's data.
# Every other model it reads rows of must be in EXPECTED, and these too must pass the generic
# check of the staff (no many2one names a hidden person, no res_model/res_id reaches a file).
OBSERVATORY_HARMLESS = {
    # reference data: countries, currencies, languages, banks, titles, tags, industries
    "res.bank",
    "res.country",
    "res.country.group",
    "res.country.state",
    "res.currency",
    "res.currency.rate",
    "res.lang",
    "res.partner.category",
    "res.partner.industry",
    "res.partner.title",
    # its own Ambito (the company), the groups and menus that make the user interface
    "res.company",
    "res.groups",
    "ir.ui.menu",
    "ir.module.category",
    "ir.module.module",
    "ir.actions.report",
    "report.layout",
    "report.paperformat",
    "web_tour.tour",
    "iap.service",
    # its own settings, defaults, filters, devices and presence (rules of Odoo: the user's own
    # rows)
    "res.users.settings",
    "ir.default",
    "ir.filters",
    "res.device",
    "res.device.log",
    "bus.presence",
    # numbering and working times: configuration, no person (the staff's resources are empty
    # for it: resource.resource is not listed and must stay empty)
    "ir.sequence",
    "ir.sequence.date_range",
    "resource.calendar",
    "resource.calendar.attendance",
    "resource.calendar.leaves",
    # the kinds of alarms, events, activities, messages, and the mail/SMS templates (text
    # with placeholders, rendered only on a record the reader can read)
    "calendar.alarm",
    "calendar.event.type",
    "mail.activity.type",
    "mail.message.subtype",
    "mail.template",
    "sms.template",
    # the observatory's dashboard: its spreadsheet reads the analyses as the user
    "spreadsheet.dashboard",
    "spreadsheet.dashboard.group",
}

# reads and writes repeated with each of these contexts must give the same answers
CONTEXTS = {
    "social_workflow": {"social_workflow": True},
    "social_anonymise": {"social_anonymise": True},
    "active_test": {"active_test": False},
    "bin_size": {"bin_size": True},
    "tracking_disable": {"tracking_disable": True},
    "all keys": {
        "social_workflow": True,
        "social_anonymise": True,
        "active_test": False,
        "bin_size": True,
        "tracking_disable": True,
        "mail_notrack": True,
        "mail_create_nolog": True,
        "install_mode": True,
    },
}
CONTEXT_MODELS = [
    "social.person",
    "social.listening.session",
    "social.referral",
    "social.appointment",
    "social.online.request",
    "social.consent",
    "res.partner",
    "res.users",
    "mail.followers",
    "mail.notification",
    # the observatory's figures: no key widens them beyond the reader's Ambiti
    "social.report.contact",
    "social.report.person",
    "social.municipality.population",
]
WORKFLOW_MODELS = [
    "social.listening.session",
    "social.referral",
    "social.appointment",
    "social.online.request",
]
MAGIC = {"create_uid", "write_uid", "company_id", "message_main_attachment_id"}
NO_CTX = {"active_test": False}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def search(client, model, domain=(), **context):
    return set(client.call(model, "search", list(domain), context=dict(NO_CTX, **context)))


def fmt(ids, limit=12):
    ids = sorted(ids)
    more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{ids[:limit]}{more}"


class Role:
    """One user of the sweep: their logged-in client and what the rules are computed from."""

    def __init__(self, name, login, kind, client, info):
        self.name = name
        self.login = login
        self.kind = kind
        self.client = client
        self.uid = info["id"]
        self.partner = info["partner_id"][0]
        self.commercial = info["commercial_partner_id"][0]
        self.desks = info["social_desk_ids"]
        self.companies = info["company_ids"]
        self.hidden_partners = []  # filled by the sweep (needs the persons)

    def __repr__(self):
        return f"{self.name} ({self.login})"


# ------------------------------------------------------------------------------------------
# The users, logged in once, and the records the sweep is about
# ------------------------------------------------------------------------------------------


def log_in(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def xmlid(admin, name, module="social_secretariat"):
    return admin.call(
        "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )[0]["res_id"]


def book_at(client, desk_id):
    """Book, as a citizen through the portal pages, the first free time of the first topic
    offered at `desk_id`. Returns the appointment id."""
    topics = client.get("/social/book")
    assert topics.status_code == 200, topics.status_code
    for topic_link in hrefs(topics, "/social/book/desk?"):
        desks = client.get(topic_link)
        desk_links = [
            link for link in hrefs(desks, "/social/book/day?") if f"desk={desk_id}" in link
        ]
        if not desk_links:
            continue
        for day_link in hrefs(client.get(desk_links[0]), "/social/book/time?")[:3]:
            confirm_links = hrefs(client.get(day_link), "/social/book/confirm?")
            if not confirm_links:
                continue
            confirm = client.get(confirm_links[0])
            data = {
                name: hidden_input(confirm, name)
                for name in ("csrf_token", "topic", "desk", "start")
            }
            response = client.post("/social/book/confirm", data=dict(data, privacy="1"))
            match = re.search(r"/my/social/appointments/(\d+)", response.url)
            assert match, f"booking at desk {desk_id} failed: {response.url}"
            return int(match.group(1))
    pytest.fail(f"no free time to book at desk {desk_id}")


def send_request(client, subject):
    token = client.csrf_token("/my/social/requests/new")
    response = client.post(
        "/my/social/requests/new",
        data={
            "csrf_token": token,
            "subject": subject,
            "message": f"{subject}: ho bisogno di aiuto per il pagamento dell'affitto.",
            "preferred_channel": "portal",
            "preferred_time": "any",
        },
        files=[("attachments", ("documento.pdf", PDF, "application/pdf"))],
    )
    match = re.search(r"/my/social/requests/(\d+)", response.url)
    assert match, f"the request was not sent: {response.url}"
    return int(match.group(1))


@pytest.fixture(scope="module")
def sweep(odoo_server):
    """Everyone logged in once; the records of the sweep created (by the admin, and by the
    citizens through the portal); the allowed sets cached per role and model."""
    admin = log_in(odoo_server, "admin")
    roles = {}
    for name, (login, kind) in ROLES.items():
        client = log_in(odoo_server, login)
        info = admin.call(
            "res.users",
            "search_read",
            [("login", "=", login)],
            ["partner_id", "commercial_partner_id", "social_desk_ids", "company_ids"],
        )[0]
        roles[name] = Role(name, login, kind, client, info)
    desk_x = xmlid(admin, "desk_pioltello_demo")
    desk_y = xmlid(admin, "desk_segrate_demo")
    assert desk_x in roles["operator_x"].desks and desk_y not in roles["operator_x"].desks
    assert desk_y in roles["operator_y"].desks and desk_x not in roles["operator_y"].desks

    need = admin.call("social.need", "search", [("is_special_category", "=", False)], limit=1)[0]
    special = admin.call("social.need", "search", [("is_special_category", "=", True)], limit=1)[0]
    uid = {name: role.uid for name, role in roles.items()}

    def person(first, last):
        return admin.call("social.person", "create", {"first_name": first, "last_name": last})

    def session(desk, person_id, needs, operators, text):
        return admin.call(
            "social.listening.session",
            "create",
            {
                "desk_id": desk,
                "person_id": person_id,
                "need_ids": [(6, 0, needs)],
                "operator_ids": [(6, 0, operators)],
                "request": text,
            },
        )

    case = {"desk_x": desk_x, "desk_y": desk_y, "need": need, "special_need": special}
    case["person_x"] = person("Ilaria", "Sweep Pioltello")
    case["person_y"] = person("Rebecca", "Sweep Segrate")
    case["person_s"] = person("Teresa", "Sweep Riservata")
    case["session_x"] = session(
        desk_x, case["person_x"], [need], [uid["coordinator"]], "Cerco lavoro (sweep X)"
    )
    case["session_y"] = session(
        desk_y, case["person_y"], [need], [uid["worker"]], "Cerco casa (sweep Y)"
    )
    # special category at desk X, held by the social worker only: operator X may not see it
    case["session_s"] = session(
        desk_x, case["person_s"], [special], [uid["worker"]], "Violenza domestica (sweep)"
    )
    for key, desk, person_key, session_key in (
        ("referral_x", desk_x, "person_x", "session_x"),
        ("referral_y", desk_y, "person_y", "session_y"),
    ):
        case[key] = admin.call(
            "social.referral",
            "create",
            {
                "person_id": case[person_key],
                "session_id": case[session_key],
                "origin_type": "desk",
                "origin_desk_id": desk,
                "reason": "Orientamento al lavoro (sweep)",
            },
        )
    for key in ("person_x", "person_y", "person_s"):
        admin.call(
            "social.consent",
            "create",
            {
                "person_id": case[key],
                "purpose": "services",
                "date_given": date.today().isoformat(),
                "channel": "paper",
            },
        )
    # citizen B's own appointment (at desk Y) and request, made as she would, on the portal
    case["appointment_b"] = book_at(roles["citizen_b"].client, desk_y)
    case["request_b"] = send_request(roles["citizen_b"].client, "Richiesta sweep di Anna")
    case["request_a"] = send_request(roles["citizen_a"].client, "Richiesta sweep di Mario")
    case["appointment_a"] = admin.call(
        "social.appointment",
        "search",
        [("person_id.partner_id", "=", roles["citizen_a"].partner)],
        limit=1,
        order="id desc",
    )[0]
    # a second Ambito, for allowed_company_ids
    case["company_main"] = xmlid(admin, "main_company", module="base")
    # a document in the chatter of each sweep session, for the attachment links
    for key in ("session_x", "session_y", "session_s"):
        case[f"attachment_{key[-1]}"] = admin.call(
            "ir.attachment",
            "create",
            {
                "name": f"verbale-{key}.pdf",
                "datas": base64.b64encode(PDF).decode(),
                "res_model": "social.listening.session",
                "res_id": case[key],
            },
        )
    case["company_2"] = admin.call("res.company", "create", {"name": "Ambito sweep 2"})

    # every person's contact, and the persons' names (for the free-text checks)
    persons = admin.call(
        "social.person", "read", sorted(search(admin, "social.person")), ["partner_id", "name"]
    )
    person_partner = {p["id"]: p["partner_id"][0] for p in persons if p["partner_id"]}
    person_name = {p["id"]: p["name"] for p in persons}
    state = Sweep(admin, roles, case, person_partner, person_name)
    for role in roles.values():
        if role.kind in PORTAL_KINDS:
            allowed_persons = search(admin, "social.person", own_person(role))
        else:
            allowed_persons = state.allowed(role, "social.person")
            if allowed_persons is None:  # every file of the Ambito
                allowed_persons = set(person_partner)
        role.hidden_partners = sorted(
            set(person_partner.values())
            - {person_partner[p] for p in allowed_persons if p in person_partner}
        )
        if role.kind == "observatory":
            # nor any individual of the public: the contact of a request without a file, a
            # citizen's portal account (staff, organisations and their people are not hidden)
            role.hidden_partners = sorted(
                set(role.hidden_partners) | search(admin, "res.partner", individuals(role))
            )
    yield state
    # the other end-to-end tests share the server: the second Ambito goes away again
    try:
        admin.call("res.company", "unlink", [case["company_2"]])
    except RPCError:
        admin.call("res.company", "write", [case["company_2"]], {"active": False})


class Sweep:
    def __init__(self, admin, roles, case, person_partner, person_name):
        self.admin = admin
        self.roles = roles
        self.case = case
        self.person_partner = person_partner
        self.person_name = person_name
        self._allowed = {}
        self._readable = {}
        self._visible = {}
        self._fields = {}

    # -- ground truth (as the admin) --------------------------------------------------------

    def rule(self, role, model):
        return EXPECTED.get(model, {}).get(role.kind)

    def allowed(self, role, model):
        """The ids of `model` that `role` may read (admin search of the table's domain), or
        None when the table says 'anything' or decides row by row."""
        key = (role.name, model)
        if key not in self._allowed:
            rule = self.rule(role, model)
            self._allowed[key] = (
                None if rule in (None, ALL, DOCUMENT) else search(self.admin, model, rule(role))
            )
        return self._allowed[key]

    def fields(self, model):
        if model not in self._fields:
            self._fields[model] = self.admin.call(
                model, "fields_get", [], ["type", "relation", "store", "readonly", "depends"]
            )
        return self._fields[model]

    # -- as the user ----------------------------------------------------------------------

    def readable_models(self, role):
        """Every model of ir.model that the role can read (asked to the server as the role),
        with the ids it sees."""
        if role.name not in self._readable:
            if "models" not in self._readable:
                models = self.admin.call(
                    "ir.model", "search_read", [("transient", "=", False)], ["model"]
                )
                searchable = []
                for model in sorted(m["model"] for m in models):
                    try:
                        self.admin.call(model, "search_count", [], context=NO_CTX)
                    except RPCError:
                        continue  # abstract or not searchable at all
                    searchable.append(model)
                self._readable["models"] = searchable
            readable = {}
            for model in self._readable["models"]:
                try:
                    if not role.client.call(model, "has_access", [], "read"):
                        continue
                    readable[model] = search(role.client, model)
                except RPCError as error:
                    if error.name != "odoo.exceptions.AccessError":
                        readable[model] = error
            self._readable[role.name] = readable
        return self._readable[role.name]

    def visible(self, role, model):
        readable = self.readable_models(role)
        ids = readable.get(model, set())
        return ids if isinstance(ids, set) else set()

    def target_allowed(self, role, model, ids):
        """The subset of `ids` of `model` that the role may read; for a model the table does
        not restrict, what the role can read."""
        allowed = self.allowed(role, model)
        if allowed is None and self.rule(role, model) is None:
            allowed = self.visible(role, model)
        if allowed is None:
            return set(ids)
        return set(ids) & allowed

    def hidden_contacts(self, role, model, ids):
        """The contacts (or users) among `ids` that are hidden persons for the role."""
        if model == "res.partner":
            return set(ids) & set(role.hidden_partners)
        users = self.admin.call("res.users", "read", sorted(ids), ["partner_id"], context=NO_CTX)
        return {u["id"] for u in users if u["partner_id"][0] in role.hidden_partners}

    def doc_allowed(self, role, model, res_id):
        if not model or not res_id:
            return True
        if self.rule(role, model) == DOCUMENT:
            # a message, an event...: allowed when the role sees it and it leaks nothing
            key = ("leaks", role.name, model)
            if key not in self._allowed:
                self._allowed[key] = _leaks(self, role, model)
            return res_id in self.visible(role, model) and res_id not in self._allowed[key]
        if model in EXPECTED or role.kind in PORTAL_KINDS:
            allowed = self.allowed(role, model)
            if allowed is None:
                return self.rule(role, model) in (ALL,)
            return res_id in allowed
        return True


# ------------------------------------------------------------------------------------------
# 1. What each role sees
# ------------------------------------------------------------------------------------------


def _rows(sweep, role, model, ids, fields):
    """The rows as the role reads them; the rows it cannot read (searchable but not readable)
    as the admin reads them, where the admin can."""
    with contextlib.suppress(RPCError):  # else one by one, below
        return role.client.call(model, "read", sorted(ids), fields, context=NO_CTX)
    rows = []
    for record in sorted(ids):
        for client in (role.client, sweep.admin):
            try:
                rows += client.call(model, "read", [record], fields, context=NO_CTX)
                break
            except RPCError:
                continue
    return rows


def _document_leaks(sweep, role, model, ids):
    """Rows of a res_model/res_id model (or of mail.notification, calendar.event) that are
    attached to a record the role may not read, or that name a hidden person."""
    leaks_of = {
        "mail.message": _message_leaks,
        "mail.notification": _notification_leaks,
        "calendar.event": _event_leaks,
    }.get(model, _attached_leaks)  # mail.followers, mail.activity, ir.attachment
    return leaks_of(sweep, role, model, sorted(ids), set(role.hidden_partners))


def _message_leaks(sweep, role, model, ids, hidden):
    leaks = {}
    admin = sweep.admin
    rows = _rows(
        sweep, role, model, ids, ["model", "res_id", "author_id", "is_internal", "subtype_id"]
    )
    internal_subtypes = search(admin, "mail.message.subtype", [("internal", "=", True)])
    for row in rows:
        why = []
        if not sweep.doc_allowed(role, row["model"], row["res_id"]):
            why.append(f"on {row['model']}:{row['res_id']}")
        if role.kind in PORTAL_KINDS and (
            row["is_internal"] or (row["subtype_id"] and row["subtype_id"][0] in internal_subtypes)
        ):
            why.append("internal note")
        if row["author_id"] and row["author_id"][0] in hidden:
            why.append(f"written by hidden person contact {row['author_id'][0]}")
        if why:
            leaks[row["id"]] = ", ".join(why)
    return leaks


def _notification_leaks(sweep, role, model, ids, hidden):
    leaks = {}
    rows = _rows(sweep, role, model, ids, ["mail_message_id", "res_partner_id"])
    shown = {r["id"]: r["mail_message_id"] and r["mail_message_id"][1] for r in rows}
    messages = _rows(
        sweep,
        role,
        "mail.message",
        sorted({r["mail_message_id"][0] for r in rows if r["mail_message_id"]}),
        ["model", "res_id"],
    )
    docs = {m["id"]: (m["model"], m["res_id"]) for m in messages}
    for row in rows:
        why = []
        doc = docs.get(row["mail_message_id"] and row["mail_message_id"][0], (False, False))
        if not sweep.doc_allowed(role, *doc):
            why.append(f"of a message on {doc[0]}:{doc[1]} ({shown[row['id']]!r})")
        partner = row["res_partner_id"] and row["res_partner_id"][0]
        if partner in hidden or (role.kind in PORTAL_KINDS and partner != role.partner):
            why.append(f"to contact {partner}")
        if why:
            leaks[row["id"]] = ", ".join(why)
    return leaks


def _event_leaks(sweep, role, model, ids, hidden):
    leaks = {}
    # staff see each other's agenda (Odoo's calendar): an event may be visible, but read as
    # the role it must name no hidden person (attendees, title, description)
    rows = role.client.call(
        model, "read", ids, ["name", "description", "partner_ids"], context=NO_CTX
    )
    hidden_names = [
        name
        for person, name in sweep.person_name.items()
        if name and sweep.person_partner.get(person) in hidden
    ]
    own = None
    if role.kind in PORTAL_KINDS:
        # a citizen's calendar: the events of their own appointments, and those they attend
        own = {
            r["id"]
            for r in sweep.admin.call(model, "read", ids, ["partner_ids"], context=NO_CTX)
            if role.partner in r["partner_ids"]
        }
        appointments = sorted(sweep.allowed(role, "social.appointment"))
        own |= {
            a["calendar_event_id"][0]
            for a in sweep.admin.call(
                "social.appointment", "read", appointments, ["calendar_event_id"]
            )
            if a["calendar_event_id"]
        }
    for row in rows:
        why = []
        if own is not None and row["id"] not in own:
            why.append("neither attended nor of an own appointment")
        if set(row["partner_ids"]) & hidden:
            why.append(f"attendees {fmt(set(row['partner_ids']) & hidden)} are hidden persons")
        text = f"{row['name'] or ''} {row['description'] or ''}"
        named = [name for name in hidden_names if name in text]
        if named:
            why.append(f"names hidden person(s) {named[:3]}")
        if why:
            leaks[row["id"]] = f"{row['name']!r}: " + ", ".join(why)
    return leaks


def _attached_leaks(sweep, role, model, ids, hidden):
    leaks = {}
    fields = ["res_model", "res_id"] + (["partner_id"] if model == "mail.followers" else [])
    for row in _rows(sweep, role, model, ids, fields):
        why = []
        # a follower row says who follows which record: it leaks when it names a hidden
        # person (below); attachments and activities carry content: their record must be
        # allowed
        if model != "mail.followers" and not sweep.doc_allowed(
            role, row["res_model"], row["res_id"]
        ):
            why.append(f"on {row['res_model']}:{row['res_id']}")
        if row.get("partner_id") and row["partner_id"][0] in hidden:
            why.append(f"follower is hidden person contact {row['partner_id'][0]}")
        if why:
            leaks[row["id"]] = ", ".join(why)
    return leaks


def _leaks(sweep, role, model):
    """{id: why} of the rows of `model` the role sees but may not."""
    visible = sweep.visible(role, model)
    rule = sweep.rule(role, model)
    if not visible or rule == ALL:
        return {}
    if rule == DOCUMENT:
        return _document_leaks(sweep, role, model, visible)
    return dict.fromkeys(visible - sweep.allowed(role, model), "not allowed")


@pytest.mark.parametrize("model", sorted(EXPECTED))
@pytest.mark.parametrize("role_name", list(ROLES))
def test_role_sees_only_what_it_may(sweep, role_name, model):
    role = sweep.roles[role_name]
    readable = sweep.readable_models(role)
    if isinstance(readable.get(model), RPCError):
        pytest.fail(f"{role}: searching {model} fails: {readable[model]}")
    leaks = _leaks(sweep, role, model)
    assert not leaks, f"{role} sees {len(leaks)} row(s) of {model} it may not: " + "; ".join(
        f"{i}: {why}" for i, why in sorted(leaks.items())[:10]
    )


@pytest.mark.parametrize("role_name", list(ROLES))
def test_no_unlisted_model_names_anyone(sweep, role_name):
    """Every model the role can read is in the table, or (staff) names no person: a model with a
    link to a person, contact, file or a res_model/res_id pair must be listed."""
    role = sweep.roles[role_name]
    problems = []
    for model, ids in sorted(sweep.readable_models(role).items()):
        if model in EXPECTED:
            continue
        if isinstance(ids, RPCError):
            problems.append(f"{model}: search fails ({ids})")
            continue
        if role.kind in PORTAL_KINDS:
            if model not in PORTAL_HARMLESS and ids:
                problems.append(f"{model} ({len(ids)} rows: {fmt(ids, 5)})")
            continue
        if role.kind == "observatory" and model not in OBSERVATORY_HARMLESS and ids:
            # aggregated figures only: nothing outside the table and the harmless list
            problems.append(f"{model} ({len(ids)} rows: {fmt(ids, 5)})")
        fields = sweep.fields(model)
        links = sorted(
            name
            for name, f in fields.items()
            if f.get("relation") in SENSITIVE
            and f["type"] == "many2one"
            and f.get("store")
            and name not in MAGIC
        )
        if links or {"res_model", "res_id"} <= set(fields):
            # the generic check: no many2one of a visible row names a hidden record
            leaks = _named_hidden(sweep, role, model, ids, links)
            if leaks:
                problems.append(f"{model}: " + "; ".join(leaks[:5]))
    assert not problems, (
        f"{role} reads models outside the table that name what it may not see:\n  "
        + "\n  ".join(problems)
    )


def _named_hidden(sweep, role, model, ids, links):
    """Many2one values of the rows `ids` of `model`, read as the role, whose display name is
    that of a record the role may not read."""
    if not ids or not links:
        return []
    try:
        rows = role.client.call(model, "read", sorted(ids), links, context=NO_CTX)
    except RPCError as error:
        if error.name == "odoo.exceptions.AccessError":
            return []
        raise
    found = []
    by_target = {}
    for row in rows:
        for field in links:
            value = row.get(field)
            if value:
                by_target.setdefault((field, sweep.fields(model)[field]["relation"]), []).append(
                    (row["id"], value)
                )
    for (field, target), values in by_target.items():
        target_ids = {v[1][0] for v in values}
        if target in ("res.partner", "res.users"):
            # contacts and users: what must not be named is a person the role cannot read
            hidden = sweep.hidden_contacts(role, target, target_ids)
        else:
            hidden = target_ids - sweep.target_allowed(role, target, target_ids)
        if not hidden:
            continue
        names = {
            r["id"]: r["display_name"]
            for r in sweep.admin.call(
                target, "read", sorted(hidden), ["display_name"], context=NO_CTX
            )
        }
        named = [
            (row_id, value[0])
            for row_id, value in values
            if value[0] in hidden and value[1] and value[1] == names.get(value[0])
        ]
        if named:
            found.append(
                f"{field} names hidden {target} {fmt({t for _r, t in named})} "
                f"(rows {fmt({r for r, _t in named})}, e.g. {names[named[0][1]]!r})"
            )
    return found


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in sorted(EXPECTED)
        if m.startswith("social.")
        or m
        in (
            "res.users",
            "calendar.attendee",
            "mail.followers",
            "mail.activity",
            "discuss.channel.member",
        )
    ],
)
@pytest.mark.parametrize("role_name", list(ROLES))
def test_links_name_nothing_hidden(sweep, role_name, model):
    """Display names of linked records never carry more than the reader may see: no many2one
    of a row the role reads shows the name of a person, contact, file, appointment or request
    it cannot read."""
    role = sweep.roles[role_name]
    ids = sweep.visible(role, model)
    fields = sweep.fields(model)
    links = sorted(
        name
        for name, f in fields.items()
        if f["type"] == "many2one" and f.get("relation") in SENSITIVE and name not in MAGIC
    )
    found = _named_hidden(sweep, role, model, ids, links)
    assert not found, f"{role}, {model}: " + "; ".join(found)


def test_the_sweep_has_the_cases_it_needs(sweep):
    """The sweep proves something only if the hidden records exist and the allowed ones are
    seen: operator X sees desk X's session, not desk Y's nor the special one; each citizen
    sees their own appointment and request."""
    c = sweep.case
    x, y = sweep.roles["operator_x"], sweep.roles["operator_y"]
    assert c["session_x"] in sweep.visible(x, "social.listening.session")
    assert c["session_y"] in sweep.visible(y, "social.listening.session")
    for role in (x, y):
        assert sweep.allowed(role, "social.listening.session").isdisjoint({c["session_s"]})
    assert c["session_y"] not in sweep.allowed(x, "social.listening.session")
    assert c["session_x"] not in sweep.allowed(y, "social.listening.session")
    b = sweep.roles["citizen_b"]
    assert c["appointment_b"] in sweep.allowed(b, "social.appointment")
    assert c["request_b"] in sweep.allowed(b, "social.online.request")


# ------------------------------------------------------------------------------------------
# 2. Writable relational fields refuse what the role cannot read
# ------------------------------------------------------------------------------------------


def _writable_links(sweep, role):
    """(model, field, relation, type) of every stored many2one/many2many of a social.* model
    that the role may write (ACL), readonly ones included: readonly is the form's business."""
    out = []
    for model in sweep.readable_models(role):
        if not model.startswith("social."):
            continue
        if not role.client.call(model, "has_access", [], "write"):
            continue
        for name, f in sorted(sweep.fields(model).items()):
            if f["type"] not in ("many2one", "many2many") or not f.get("store"):
                continue
            if name in MAGIC or name.startswith(("message_", "activity_")):
                continue
            if f.get("depends") and f.get("readonly"):
                continue  # computed or related: not set by the client
            out.append((model, name, f["relation"], f["type"]))
    return out


def _hidden_targets(sweep, role, relation, prefer=()):
    everything = search(sweep.admin, relation)
    readable = sweep.visible(role, relation)
    hidden = everything - readable
    preferred = [i for i in prefer if i in hidden]
    if preferred:
        # the sweep's own records: a write that wrongly succeeds touches nothing of the demo
        # that the other end-to-end tests use (a citizen's contact on another file would)
        return preferred[:2]
    return sorted(hidden)[:2]


def _record_to_write(sweep, role, model):
    """A record of `model` the role can write, preferably one of the sweep's own."""
    c = sweep.case
    prefer = {
        "social.person": [c["person_x"], c["person_y"], c["person_s"]],
        "social.listening.session": [c["session_x"], c["session_y"], c["session_s"]],
        "social.referral": [c["referral_x"], c["referral_y"]],
        "social.online.request": [c["request_b"], c["request_a"]],
        "social.appointment": [c["appointment_b"], c["appointment_a"]],
    }.get(model, [])
    visible = sweep.visible(role, model)
    for record in [i for i in prefer if i in visible] + sorted(visible)[:5]:
        if role.client.call(model, "has_access", [record], "write"):
            return record
    return None


def _prefer_for(sweep, relation):
    c = sweep.case
    return {
        "social.listening.session": [c["session_s"], c["session_y"], c["session_x"]],
        "social.person": [c["person_s"], c["person_y"], c["person_x"]],
        "social.referral": [c["referral_y"], c["referral_x"]],
        "social.appointment": [c["appointment_b"], c["appointment_a"]],
        "social.online.request": [c["request_b"], c["request_a"]],
        "res.partner": [
            sweep.person_partner[c[key]] for key in ("person_s", "person_y", "person_x")
        ],
    }.get(relation, [])


def _try_write(sweep, role, model, record, field, ftype, target, context):
    """Write `target` into `field` as the role: None if refused, else what was read back."""
    value = target if ftype == "many2one" else [(4, target)]
    admin = sweep.admin
    before = admin.call(model, "read", [record], [field], context=NO_CTX)[0][field]
    try:
        role.client.call(model, "write", [record], {field: value}, context=context)
    except RPCError:
        return None
    try:
        back = role.client.call(model, "read", [record], [field], context=NO_CTX)[0][field]
    except RPCError as error:
        back = f"(read back refused: {error.name})"
    # put the record back as it was, for the other tests of the session
    restore = (before and before[0]) if ftype == "many2one" else [(6, 0, before)]
    try:
        admin.call(model, "write", [record], {field: restore}, context=NO_CTX)
    except RPCError as error:
        back = f"{back!r}; the admin could not put it back: {error}"
    return back


@pytest.mark.parametrize("role_name", list(ROLES))
def test_writable_links_refuse_unreadable_targets(sweep, role_name):
    role = sweep.roles[role_name]
    problems = []
    names = {}
    tried = set()
    for model, field, relation, ftype in _writable_links(sweep, role):
        record = _record_to_write(sweep, role, model)
        if record is None:
            continue
        for target in _hidden_targets(sweep, role, relation, _prefer_for(sweep, relation)):
            tried.add(f"{model}.{field}")
            back = _try_write(sweep, role, model, record, field, ftype, target, NO_CTX)
            if back is None:
                continue
            if relation not in names:
                names[relation] = {}
            if target not in names[relation]:
                names[relation][target] = sweep.admin.call(
                    relation, "read", [target], ["display_name"], context=NO_CTX
                )[0]["display_name"]
            shown = back[1] if ftype == "many2one" and isinstance(back, list) and back else back
            leak = " and its name came back" if shown == names[relation][target] else ""
            problems.append(
                f"{model}({record}).{field} accepted hidden {relation} {target}{leak}"
                f" (read back: {shown!r})"
            )
    if role.kind == "operator":
        # the links of the issue must have been tried, or the sweep proves nothing
        needed = {
            "social.referral.session_id",
            "social.referral.person_id",
            "social.appointment.session_id",
            "social.appointment.person_id",
            "social.listening.session.person_id",
        }
        assert needed <= tried, f"{role}: the sweep did not try {sorted(needed - tried)}"
    assert not problems, f"{role} links what it cannot read:\n  " + "\n  ".join(problems)


CREATES = {
    # model -> (payload builder(sweep, role, hidden target), relation of the hidden field)
    "social.referral": (
        lambda s, r, t: {
            "person_id": s.case["person_x"] if s.case["desk_x"] in r.desks else s.case["person_y"],
            "session_id": t,
            "origin_type": "desk",
            "origin_desk_id": (r.desks or [s.case["desk_x"]])[0],
            "reason": "sweep: invio verso un colloquio nascosto",
        },
        "social.listening.session",
    ),
    "social.listening.session": (
        lambda s, r, t: {
            "desk_id": (r.desks or [s.case["desk_x"]])[0],
            "person_id": t,
            "need_ids": [(6, 0, [s.case["need"]])],
            "operator_ids": [(6, 0, [r.uid])],
            "request": "sweep: colloquio con una persona nascosta",
        },
        "social.person",
    ),
    "social.consent": (
        lambda s, r, t: {
            "person_id": t,
            "purpose": "services",
            "date_given": date.today().isoformat(),
            "channel": "paper",
        },
        "social.person",
    ),
    "social.online.request": (
        lambda s, r, t: {
            "subject": "sweep",
            "message": "sweep: richiesta per una persona nascosta",
            "person_id": t,
            "partner_id": s.person_partner.get(t),
        },
        "social.person",
    ),
}


@pytest.mark.parametrize("context_name", ["none", "all keys"])
@pytest.mark.parametrize("role_name", list(ROLES))
def test_create_refuses_unreadable_targets(sweep, role_name, context_name):
    role = sweep.roles[role_name]
    context = dict(NO_CTX, **CONTEXTS.get(context_name, {}))
    problems = []
    for model, (payload, relation) in CREATES.items():
        if not role.client.call(model, "has_access", [], "create"):
            continue
        for target in _hidden_targets(sweep, role, relation, _prefer_for(sweep, relation))[:1]:
            try:
                new_id = role.client.call(
                    model, "create", payload(sweep, role, target), context=context
                )
            except RPCError:
                continue
            problems.append(f"{model} created ({new_id}) with hidden {relation} {target}")
            # best effort: put things back for the other tests of the session
            with contextlib.suppress(RPCError):
                sweep.admin.call(model, "unlink", [new_id])
    assert not problems, f"{role} ({context_name}) " + "; ".join(problems)


# ------------------------------------------------------------------------------------------
# 3. No context key changes the answers
# ------------------------------------------------------------------------------------------


def _contexts(sweep):
    main = sweep.case["company_main"]
    other = sweep.case["company_2"]
    return dict(
        CONTEXTS,
        **{
            "allowed_company_ids=[other]": {"allowed_company_ids": [other]},
            "allowed_company_ids=[main, other]": {"allowed_company_ids": [main, other]},
        },
    )


@pytest.mark.parametrize("model", CONTEXT_MODELS)
@pytest.mark.parametrize("role_name", list(ROLES))
def test_context_keys_change_no_read(sweep, role_name, model):
    role = sweep.roles[role_name]
    baseline = sweep.visible(role, model)
    problems = []
    for name, context in _contexts(sweep).items():
        try:
            ids = search(role.client, model, **context)
        except RPCError as error:
            if (
                name.startswith("allowed_company_ids")
                and error.name == "odoo.exceptions.AccessError"
            ):
                continue  # another Ambito's context is refused: the same answer as no access
            if model not in sweep.readable_models(role):
                continue
            problems.append(f"{name}: {error}")
            continue
        more = ids - baseline
        if more:
            problems.append(f"{name}: {len(more)} more rows {fmt(more)}")
    assert not problems, f"{role}, {model}: context keys change the answer: " + "; ".join(problems)


@pytest.mark.parametrize("role_name", STAFF_ROLES)
def test_context_keys_unlock_no_write(sweep, role_name):
    """The refused link writes stay refused with any context, and workflow fields change only
    through the actions: a direct write of `state` is refused with or without context keys, and
    so is any change to a done session."""
    role = sweep.roles[role_name]
    problems = []
    contexts = _contexts(sweep)
    # a sample of the link writes: the first hidden target of each field
    for model, field, relation, ftype in _writable_links(sweep, role):
        if relation not in _prefer_for(sweep, relation) and relation not in SENSITIVE:
            continue
        record = _record_to_write(sweep, role, model)
        targets = _hidden_targets(sweep, role, relation, _prefer_for(sweep, relation))[:1]
        if record is None or not targets:
            continue
        for name, context in contexts.items():
            back = _try_write(
                sweep, role, model, record, field, ftype, targets[0], dict(NO_CTX, **context)
            )
            if back is not None:
                problems.append(
                    f"[{name}] {model}({record}).{field} = hidden {relation} {targets[0]}"
                )
    # workflow fields: never by write
    for model in WORKFLOW_MODELS:
        record = _record_to_write(sweep, role, model)
        if record is None:
            continue
        state = sweep.admin.call(model, "read", [record], ["state"])[0]["state"]
        values = [
            v
            for v, _label in sweep.admin.call(model, "fields_get", ["state"], ["selection"])[
                "state"
            ]["selection"]
        ]
        target = next(v for v in values if v != state)
        for name, context in [("none", {}), *contexts.items()]:
            try:
                role.client.call(
                    model, "write", [record], {"state": target}, context=dict(NO_CTX, **context)
                )
            except RPCError:
                continue
            problems.append(f"[{name}] {model}({record}).state written {state} → {target}")
            # best effort: put things back for the other tests of the session
            with contextlib.suppress(RPCError):
                sweep.admin.call(model, "write", [record], {"state": state})
    # a done session is closed, whatever the context says
    done = sorted(
        sweep.visible(role, "social.listening.session")
        & search(sweep.admin, "social.listening.session", [("state", "=", "done")])
    )[:1]
    for session in done:
        text = sweep.admin.call("social.listening.session", "read", [session], ["request"])[0][
            "request"
        ]
        for name, context in [("none", {}), *contexts.items()]:
            try:
                role.client.call(
                    "social.listening.session",
                    "write",
                    [session],
                    {"request": (text or "") + " (modificato)"},
                    context=dict(NO_CTX, **context),
                )
            except RPCError:
                continue
            problems.append(f"[{name}] done session {session} changed")
            sweep.admin.call("social.listening.session", "write", [session], {"request": text})
    assert not problems, f"{role}: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------
# HTTP: a citizen's pages, documents and conversation stay closed to the other citizen and
# to the partner; a person's subject-data export to staff who cannot read the file
# ------------------------------------------------------------------------------------------


def _citizen_urls(sweep, owner):
    c = sweep.case
    appointment, request_id = (
        (c["appointment_b"], c["request_b"])
        if owner == "citizen_b"
        else (c["appointment_a"], c["request_a"])
    )
    attachments = search(
        sweep.admin,
        "ir.attachment",
        [("res_model", "=", "social.online.request"), ("res_id", "=", request_id)],
    ) | search(
        sweep.admin,
        "ir.attachment",
        [
            ("res_model", "=", "mail.message"),
            (
                "res_id",
                "in",
                sorted(
                    search(
                        sweep.admin,
                        "mail.message",
                        [("model", "=", "social.online.request"), ("res_id", "=", request_id)],
                    )
                ),
            ),
        ],
    )
    urls = [
        f"/my/social/appointments/{appointment}",
        f"/my/social/appointments/{appointment}/ics",
        f"/my/social/requests/{request_id}",
    ] + [f"/web/content/{a}" for a in sorted(attachments)]
    return urls, {"social.online.request": request_id, "social.appointment": appointment}


@pytest.mark.parametrize(
    "role_name,owner",
    [
        ("citizen_a", "citizen_b"),
        ("citizen_b", "citizen_a"),
        ("partner", "citizen_a"),
        ("partner", "citizen_b"),
    ],
)
def test_portal_pages_of_another_citizen_stay_closed(sweep, role_name, owner):
    role = sweep.roles[role_name]
    owner_name = sweep.person_name[
        search(sweep.admin, "social.person", own_person(sweep.roles[owner])).pop()
    ]
    subject = "Richiesta sweep di Anna" if owner == "citizen_b" else "Richiesta sweep di Mario"
    urls, docs = _citizen_urls(sweep, owner)
    problems = []
    for url in urls:
        response = role.client.get(url)
        text = response.text
        if response.status_code == 200 and (
            subject in text or owner_name in text or url.startswith("/web/content")
        ):
            problems.append(f"GET {url} → 200 ({response.url})")
    for model, res_id in docs.items():
        try:
            answer = role.client.rpc(
                "/mail/thread/messages", {"thread_model": model, "thread_id": res_id, "limit": 30}
            )
        except RPCError:
            continue
        messages = answer.get("data", {}).get("mail.message", []) or answer.get("messages", [])
        if messages:
            problems.append(f"/mail/thread/messages {model}:{res_id} → {len(messages)} messages")
    assert not problems, f"{role} reaches {owner}'s documents: " + "; ".join(problems)


@pytest.mark.parametrize("role_name", ["operator_x", "operator_y"])
def test_subject_data_export_of_a_hidden_person_is_refused(sweep, role_name):
    role = sweep.roles[role_name]
    hidden = sweep.case["person_y"] if role_name == "operator_x" else sweep.case["person_x"]
    response = role.client.get(f"/social/person/{hidden}/subject-data")
    assert response.status_code != 200 or sweep.person_name[hidden] not in response.text, (
        f"{role} exported the file of hidden person {hidden}"
    )


# ------------------------------------------------------------------------------------------
# Searches that reach through links: neither a name search nor a domain that traverses to
# records the role cannot read tells it anything about them
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", list(ROLES))
def test_name_search_finds_no_hidden_person(sweep, role_name):
    role = sweep.roles[role_name]
    problems = []
    hidden_partners = set(role.hidden_partners)
    # the sweep's own persons and the citizens with an account: enough, and quick
    citizens = search(sweep.admin, "social.person", [("partner_id.user_ids", "!=", False)])
    for person, name in sorted(sweep.person_name.items()):
        if sweep.person_partner.get(person) not in hidden_partners:
            continue
        if "Sweep" not in name and person not in citizens:
            continue
        last = name.split()[-1]
        for model, hidden in (
            ("res.partner", {sweep.person_partner[person]}),
            ("social.person", {person}),
        ):
            if model not in sweep.readable_models(role):
                continue
            try:
                found = role.client.call(model, "name_search", last, limit=100)
            except RPCError:
                continue
            leaked = {i for i, _name in found} & hidden
            if leaked:
                problems.append(f"{model}.name_search({last!r}) → {sorted(leaked)} ({name})")
    assert not problems, f"{role} finds hidden persons by name: " + "; ".join(problems)


ORACLES = [
    # (model, link field, comodel, domain on the comodel): searching `model` through `link`
    # must match only through linked records the role may read
    (
        "social.person",
        "session_ids",
        "social.listening.session",
        [("is_special_category", "=", True)],
    ),
    ("social.person", "session_ids", "social.listening.session", [("request", "ilike", "sweep")]),
    ("social.person", "referral_ids", "social.referral", [("urgency", "!=", "normal")]),
    (
        "social.referral",
        "session_id",
        "social.listening.session",
        [("is_special_category", "=", True)],
    ),
    ("social.appointment", "person_id", "social.person", [("legal_status", "!=", "resident")]),
    ("social.listening.session", "referral_ids", "social.referral", [("state", "!=", "draft")]),
    ("res.partner", "social_person_id", "social.person", [("legal_status", "!=", "resident")]),
    ("res.users", "partner_id", "res.partner", [("name", "ilike", "sweep")]),
]


@pytest.mark.parametrize("oracle", ORACLES, ids=lambda o: f"{o[0]}.{o[1]}")
@pytest.mark.parametrize("role_name", STAFF_ROLES)
def test_domains_through_links_reveal_nothing(sweep, role_name, oracle):
    model, link, comodel, domain = oracle
    role = sweep.roles[role_name]
    if link not in sweep.fields(model):
        pytest.fail(f"{model} has no field {link}: update ORACLES")
    if model not in sweep.readable_models(role):
        return  # nothing to search
    try:
        found = search(role.client, model, [(link, "any", domain)])
    except RPCError as error:
        assert error.name == "odoo.exceptions.AccessError", error
        return  # refusing the search is a fine answer
    targets = search(sweep.admin, comodel, domain)
    readable_targets = sweep.target_allowed(role, comodel, targets)
    if comodel == "res.partner":
        readable_targets = targets - set(role.hidden_partners)
    expected = search(sweep.admin, model, [(link, "in", sorted(readable_targets))])
    leaked = found - expected
    assert not leaked, (
        f"{role}: {model} searched through {link} matches {fmt(leaked)} only through "
        f"{comodel} rows it cannot read"
    )


# ------------------------------------------------------------------------------------------
# HTTP, staff: the chatter routes of a hidden record tell nothing
# ------------------------------------------------------------------------------------------


def _hidden_threads(sweep, role_name):
    c = sweep.case
    name = sweep.person_name
    if role_name == "operator_x":
        return [
            ("social.listening.session", c["session_y"], [name[c["person_y"]], "sweep Y"]),
            ("social.listening.session", c["session_s"], ["Violenza domestica"]),
            ("social.person", c["person_y"], [name[c["person_y"]]]),
            ("social.referral", c["referral_y"], [name[c["person_y"]]]),
        ]
    return [
        ("social.listening.session", c["session_x"], [name[c["person_x"]], "sweep X"]),
        ("social.listening.session", c["session_s"], [name[c["person_s"]], "Violenza domestica"]),
        ("social.person", c["person_x"], [name[c["person_x"]]]),
        ("social.referral", c["referral_x"], [name[c["person_x"]]]),
    ]


@pytest.mark.parametrize("role_name", ["operator_x", "operator_y"])
def test_chatter_routes_of_hidden_records_tell_nothing(sweep, role_name):
    role = sweep.roles[role_name]
    problems = []
    for model, res_id, secrets in _hidden_threads(sweep, role_name):
        for route, params in (
            ("/mail/thread/messages", {"thread_model": model, "thread_id": res_id, "limit": 30}),
            (
                "/mail/thread/data",
                {
                    "thread_model": model,
                    "thread_id": res_id,
                    "request_list": [
                        "followers",
                        "attachments",
                        "activities",
                        "suggestedRecipients",
                    ],
                },
            ),
        ):
            try:
                answer = role.client.rpc(route, params)
            except RPCError:
                continue
            text = str(answer)
            named = [secret for secret in secrets if secret in text]
            if named:
                problems.append(f"{route} {model}:{res_id} shows {named}")
    assert not problems, f"{role}: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------
# Restricted fields and one's own messages: no context key unlocks the confidential notes, and
# a message one wrote cannot be moved onto, or linked to, what one cannot read
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["operator_x", "operator_y"])
def test_context_keys_unlock_no_restricted_field(sweep, role_name):
    role = sweep.roles[role_name]
    session = sweep.case["session_x" if role_name == "operator_x" else "session_y"]
    problems = []
    for name, context in [("none", {}), *_contexts(sweep).items()]:
        for method, args in (
            ("read", ([session], ["confidential_notes"])),
            ("search_read", ([("id", "=", session)], ["confidential_notes"])),
            ("web_read", ([session], {"confidential_notes": {}})),
        ):
            try:
                rows = role.client.call(
                    "social.listening.session", method, *args, context=dict(NO_CTX, **context)
                )
            except RPCError:
                continue
            if any("confidential_notes" in row for row in rows):
                problems.append(f"[{name}] {method} returned the confidential notes")
    assert not problems, f"{role}: " + "; ".join(problems)


def _own_message(sweep, role):
    """A message the role wrote on a record it may read."""
    c = sweep.case
    if role.kind in PORTAL_KINDS:
        if role.name == "partner":
            return None  # no thread of their own in the demo
        request_id = c["request_a" if role.name == "citizen_a" else "request_b"]
        ids = role.client.call(
            "mail.message",
            "search",
            [
                ("model", "=", "social.online.request"),
                ("res_id", "=", request_id),
                ("author_id", "=", role.partner),
            ],
            limit=1,
        )
        return ids and (ids[0], "social.online.request", request_id)
    session = c["session_y" if role.name == "operator_y" else "session_x"]
    message = role.client.call(
        "social.listening.session",
        "message_post",
        [session],
        body="Nota dello sweep",
        message_type="comment",
        subtype_xmlid="mail.mt_note",
    )
    return message, "social.listening.session", session


def _foreign(sweep, role):
    """(record, attachment, contact) of someone else's file that the role cannot read."""
    c = sweep.case
    if role.kind in PORTAL_KINDS:
        other = "request_b" if role.name != "citizen_b" else "request_a"
        attachments = search(
            sweep.admin,
            "ir.attachment",
            [
                ("res_model", "=", "mail.message"),
                (
                    "res_id",
                    "in",
                    sorted(
                        search(
                            sweep.admin,
                            "mail.message",
                            [("model", "=", "social.online.request"), ("res_id", "=", c[other])],
                        )
                    ),
                ),
            ],
        ) | search(
            sweep.admin,
            "ir.attachment",
            [("res_model", "=", "social.online.request"), ("res_id", "=", c[other])],
        )
        owner = sweep.roles["citizen_b" if other == "request_b" else "citizen_a"].partner
        return ("social.online.request", c[other]), min(attachments), owner
    key = {"operator_x": "y", "operator_y": "x"}.get(role.name)
    if key is None:
        return None  # social workers and coordinators read every file
    session = c[f"session_{key}"]
    person = c[f"person_{key}"]
    return (
        ("social.listening.session", session),
        c[f"attachment_{key}"],
        sweep.person_partner[person],
    )


@pytest.mark.parametrize("role_name", ["citizen_a", "citizen_b", "operator_x", "operator_y"])
def test_own_message_cannot_reach_what_is_hidden(sweep, role_name):
    role = sweep.roles[role_name]
    own = _own_message(sweep, role)
    assert own, f"{role}: no message of their own to try"
    message = own[0]
    (other_model, other_id), attachment, contact = _foreign(sweep, role)
    admin = sweep.admin
    before = admin.call(
        "mail.message",
        "read",
        [message],
        ["model", "res_id", "attachment_ids", "author_id", "partner_ids"],
    )[0]
    problems = []
    for name, values in (
        (f"moved onto {other_model}:{other_id}", {"model": other_model, "res_id": other_id}),
        (
            f"linked to attachment {attachment} of {other_model}:{other_id}",
            {"attachment_ids": [(4, attachment)]},
        ),
        (f"signed as hidden contact {contact}", {"author_id": contact}),
        (f"addressed to hidden contact {contact}", {"partner_ids": [(4, contact)]}),
    ):
        for context_name, context in (("none", {}), ("all keys", CONTEXTS["all keys"])):
            try:
                role.client.call(
                    "mail.message", "write", [message], values, context=dict(NO_CTX, **context)
                )
            except RPCError:
                continue
            try:
                back = role.client.call(
                    "mail.message", "read", [message], ["author_id"], context=NO_CTX
                )[0]["author_id"]
            except RPCError as error:
                back = error.name
            problems.append(
                f"[{context_name}] own message {message} {name} (author read back: {back!r})"
            )
            with contextlib.suppress(RPCError):
                admin.call(
                    "mail.message",
                    "write",
                    [message],
                    {
                        "model": before["model"],
                        "res_id": before["res_id"],
                        "attachment_ids": [(6, 0, before["attachment_ids"])],
                        "author_id": before["author_id"] and before["author_id"][0],
                        "partner_ids": [(6, 0, before["partner_ids"])],
                    },
                )
    # nor can a new message be posted into the hidden thread
    post = {"model": other_model, "res_id": other_id, "body": "sweep", "message_type": "comment"}
    try:
        new_id = role.client.call("mail.message", "create", post)
    except RPCError:
        new_id = None
    if new_id:
        problems.append(f"mail.message created ({new_id}) in {other_model}:{other_id}")
        with contextlib.suppress(RPCError):
            admin.call("mail.message", "unlink", [new_id])
    assert not problems, f"{role}: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------
# Reading by id: what a search hides, a read of its id does not give either
# ------------------------------------------------------------------------------------------

READ_BY_ID_MODELS = [
    m for m in sorted(EXPECTED) if m.startswith("social.") or m in ("res.partner", "res.users")
]


@pytest.mark.parametrize("model", READ_BY_ID_MODELS)
@pytest.mark.parametrize("role_name", list(ROLES))
def test_read_by_id_of_hidden_rows_is_refused(sweep, role_name, model):
    role = sweep.roles[role_name]
    allowed = sweep.allowed(role, model)
    if allowed is None:
        return  # the role may read them all
    if model in ("res.partner", "res.users") and role.kind not in PORTAL_KINDS:
        hidden = sweep.hidden_contacts(role, model, search(sweep.admin, model))
    else:
        hidden = search(sweep.admin, model) - allowed
    prefer = [i for i in _prefer_for(sweep, model) if i in hidden]
    sample = (prefer + sorted(hidden - set(prefer)))[:5]
    problems = []
    for record in sample:
        for method, args in (
            ("read", ([record], ["display_name"])),
            ("web_read", ([record], {"display_name": {}})),
        ):
            try:
                rows = role.client.call(model, method, *args, context=NO_CTX)
            except RPCError:
                continue
            if rows:
                problems.append(f"{method}({record}) → {rows[0].get('display_name')!r}")
    assert not problems, f"{role} reads hidden {model} by id: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------
# The observatory: figures of its Ambito, by its wizards and routes; nobody else's way in
# ------------------------------------------------------------------------------------------

PERIODIC_REPORT = "social_secretariat_reports.report_periodic"
EXPORT_ROUTE = "/social_secretariat_reports/export"


def test_the_observatory_has_figures_and_no_file(sweep):
    """The sweep of the observatory proves something only if it reads figures: the analyses
    of its Ambito have rows; and no person, session or contact of a person."""
    role = sweep.roles["observatory"]
    for model in ("social.report.session.need", "social.report.contact", "social.report.person"):
        assert sweep.visible(role, model), f"{role} reads no row of {model}"
    for model in EXPECTED:
        if EXPECTED[model]["observatory"] is NONE:
            assert not sweep.visible(role, model), f"{role} reads {model}"
    # the persons' contacts, and the individuals of the public (the demo's online request of
    # Karim Haddad, who has no file)
    assert set(sweep.person_partner.values()) <= set(role.hidden_partners)
    assert search(sweep.admin, "res.partner", individuals(role)) - set(
        sweep.person_partner.values()
    )
    assert not sweep.visible(role, "res.partner") & set(role.hidden_partners)
    assert not sweep.visible(role, "res.users") & sweep.hidden_contacts(
        role, "res.users", search(sweep.admin, "res.users")
    )


def _export_params(sweep):
    today = date.today()
    return {
        "date_from": today.replace(year=today.year - 1, month=1, day=1).isoformat(),
        "date_to": today.replace(month=12, day=31).isoformat(),
        "row_field": "municipality_id",
        "column_field": "gender",
        "threshold": 3,
        "file_format": "csv",
    }


def _names_in(sweep, text):
    return sorted(name for name in sweep.person_name.values() if name and name in text)


def test_observatory_export_route(sweep):
    """The anonymised export's route gives the observatory its table and names no one; an
    operator, a social worker and a citizen are refused."""
    params = _export_params(sweep)
    response = sweep.roles["observatory"].client.get(EXPORT_ROUTE, params=params)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert not _names_in(sweep, text), f"the export names persons: {_names_in(sweep, text)[:3]}"
    for role_name in ("operator_x", "worker", "citizen_a"):
        role = sweep.roles[role_name]
        response = role.client.get(EXPORT_ROUTE, params=params, allow_redirects=False)
        assert response.status_code in (303, 403), f"{role}: {response.status_code}"
        assert not response.content.startswith(text[:40].encode()), f"{role} got the export"


def test_observatory_periodic_report_print(sweep):
    """The periodic report prints for the observatory that made it (figures, no name); its
    wizard and its PDF are refused to an operator, whatever the context says."""
    observatory = sweep.roles["observatory"]
    wizard = observatory.client.call(
        "social.report.periodic", "create", {"period": "year", "year": date.today().year - 1}
    )
    page = observatory.client.get(f"/report/html/{PERIODIC_REPORT}/{wizard}")
    assert page.status_code == 200, page.text[:500]
    assert not _names_in(sweep, page.text), f"the report names {_names_in(sweep, page.text)[:3]}"
    pdf = observatory.client.get(f"/report/pdf/{PERIODIC_REPORT}/{wizard}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.status_code
    operator = sweep.roles["operator_x"]
    problems = []
    for converter in ("html", "pdf"):
        response = operator.client.get(
            f"/report/{converter}/{PERIODIC_REPORT}/{wizard}", allow_redirects=False
        )
        if response.status_code == 200:
            problems.append(f"GET /report/{converter} → 200")
    for name, context in [("none", {}), *_contexts(sweep).items()]:
        try:
            created = operator.client.call(
                "social.report.periodic", "create", {"period": "year"}, context=context
            )
        except RPCError:
            created = None
        if created:
            problems.append(f"[{name}] created periodic report {created}")
        try:
            operator.client.call("social.report.periodic", "read", [wizard], ["company_id"])
            problems.append(f"[{name}] read the observatory's periodic report {wizard}")
        except RPCError:
            pass
    assert not problems, f"{operator}: " + "; ".join(problems)


def test_observatory_wizards_refuse_another_ambito(sweep):
    """The observatory prints and exports its own Ambito's figures only: another Ambito in
    the wizard, or in allowed_company_ids, is refused."""
    role = sweep.roles["observatory"]
    other = sweep.case["company_2"]
    problems = []
    for name, context in [("none", {}), *_contexts(sweep).items()]:
        for model, values in (
            ("social.report.periodic", {"period": "year", "company_id": other}),
            ("social.report.periodic", {"period": "year", "scope": "ambito"}),
        ):
            try:
                created = role.client.call(model, "create", values, context=context)
            except RPCError:
                continue
            # the wizard is its creator's alone (a rule the admin does not pass either)
            company = role.client.call(model, "read", [created], ["company_id"])[0]["company_id"]
            if company and company[0] not in role.companies:
                problems.append(f"[{name}] {model} {created} of Ambito {company[1]!r}")
    assert not problems, f"{role}: " + "; ".join(problems)
