/** @odoo-module **/
/* A network desk logs a contact from the partner portal: first forgetting the consent of the
   person named (the form comes back with the error and what was typed), then with it. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("network_contact_tour", {
    url: "/my/network",
    steps: () => [
        {
            content: "From the home card, log a contact",
            trigger: "#network_home_cards a[href='/my/network/contacts/new']",
            run: "click",
        },
        {
            content: "Channel: on the phone",
            trigger: "select[name=channel]",
            run: "select phone",
        },
        {
            content: "The person gives their name",
            trigger: "input[name=mode][value=named]",
            run: "click",
        },
        {
            content: "Name",
            trigger: "input[name=person_name]",
            run: "edit Carla Tourcontatto",
        },
        {
            content: "Phone",
            trigger: "input[name=phone]",
            run: "edit 333 765 4321",
        },
        {
            content: "Municipality: the first one offered",
            trigger: "select[name=municipality_id]",
            run: "selectByIndex 1",
        },
        {
            content: "A need",
            trigger: "input[name=need_ids]",
            run: "check",
        },
        {
            content: "Information given",
            trigger: "textarea[name=information_given]",
            run: "edit Spiegato come chiedere il contributo affitto.",
        },
        {
            content: "Log it, without the consent",
            trigger: "form.o_network_contact_form button[type=submit]",
            run: "click",
        },
        {
            content: "The consent is asked, what was typed is kept",
            trigger: "#nc_consent_error",
        },
        {
            trigger: "input[name=person_name]:value(Carla Tourcontatto)",
        },
        {
            content: "The person consents",
            trigger: "input[name=consent_given]",
            run: "check",
        },
        {
            content: "Log it",
            trigger: "form.o_network_contact_form button[type=submit]",
            run: "click",
        },
        {
            content: "The contact is logged and shown",
            trigger: ".alert-success",
        },
        {
            trigger: "dd:contains(Carla Tourcontatto)",
        },
        {
            content: "It is in the list",
            trigger: "#network_nav a[href='/my/network/contacts']",
            run: "click",
        },
        {
            trigger: "td:contains(Carla Tourcontatto)",
        },
    ],
});
