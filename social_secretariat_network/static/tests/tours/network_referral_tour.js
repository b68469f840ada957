/** @odoo-module **/
/* A network desk refers a case from the partner portal; later reads the answer. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("network_referral_tour", {
    url: "/my/network/referrals/new",
    steps: () => [
        {
            content: "The person consents",
            trigger: "input[name=submitted_consent]",
            run: "check",
        },
        {
            content: "Name",
            trigger: "input[name=submitted_name]",
            run: "edit Lucia Tourinvio",
        },
        {
            content: "Phone",
            trigger: "input[name=submitted_phone]",
            run: "edit 3331234567",
        },
        {
            content: "Municipality: the first one offered",
            trigger: "select[name=submitted_municipality_id]",
            run: "selectByIndex 1",
        },
        {
            content: "A need",
            trigger: "input[name=need_ids]",
            run: "check",
        },
        {
            content: "The service",
            trigger: "select[name=target_service_id]",
            run: "selectByLabel Servizio tour segnalazioni",
        },
        {
            content: "Urgent",
            trigger: "input[name=urgency][value=urgent]",
            run: "click",
        },
        {
            content: "Description",
            trigger: "textarea[name=reason]",
            run: "edit Vive sola, ha lo sfratto tra due settimane.",
        },
        {
            content: "Send",
            trigger: "form.o_network_referral_form button[type=submit]",
            run: "click",
        },
        {
            content: "The referral is sent and shown",
            trigger: ".alert-success",
        },
        {
            trigger: "dd:contains('Lucia Tourinvio')",
        },
        {
            content: "Back to the list",
            trigger:
                "a[href='/my/network/referrals']:contains('Back to the referrals')",
            run: "click",
        },
        {
            content: "It is in the list, waiting",
            trigger: "tr.o_network_referral_row:contains('Lucia Tourinvio')",
        },
    ],
});

registry.category("web_tour.tours").add("network_referral_answer_tour", {
    url: "/my/network/referrals?state=all",
    steps: () => [
        {
            content: "Open the referral",
            trigger: "tr.o_network_referral_row:contains('Lucia Tourinvio') a",
            run: "click",
        },
        {
            content: "The answer and its reason",
            trigger: ".o_network_referral_reject_reason:contains('No capacity')",
        },
        {
            trigger:
                ".o_network_referral_state_reason:contains('Lista di attesa piena')",
        },
        {
            content: "The message of the social services",
            trigger: ".o_network_referral_message:contains('Lista di attesa piena')",
        },
    ],
});
