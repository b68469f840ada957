/** @odoo-module **/
/* A citizen writes to the online desk from the portal; later reads the answer. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_online_request_tour", {
    url: "/my/social/requests/new",
    steps: () => [
        {
            content: "Subject",
            trigger: "input[name=subject]",
            run: "edit Bollette arretrate tour",
        },
        {
            content: "Area of need: the first one offered",
            trigger: "select[name=need_id]",
            run: "selectByIndex 1",
        },
        {
            content: "Message",
            trigger: "textarea[name=message]",
            run: "edit Non riesco a pagare la bolletta della luce.",
        },
        {
            content: "Contact by phone",
            trigger: "input[name=preferred_channel][value=phone]",
            run: "click",
        },
        {
            content: "Send",
            trigger: "form.o_social_request_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request is sent and shown",
            trigger: 'h1:contains("Bollette arretrate tour")',
        },
        {
            trigger: ".alert-success",
        },
    ],
});

registry.category("web_tour.tours").add("social_online_request_answer_tour", {
    url: "/my/social/requests",
    steps: () => [
        {
            content: "Open the request",
            trigger: 'a[href^="/my/social/requests/"]:not([href$="/new"])',
            run: "click",
        },
        {
            content: "The answer of the social secretariat is in the conversation",
            trigger:
                '#chatterRoot:shadow .o-mail-Message:contains("Vi richiamiamo domani alle 10")',
        },
    ],
});
