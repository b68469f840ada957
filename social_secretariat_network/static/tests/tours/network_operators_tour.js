/** @odoo-module **/
/* The referente of an organisation asks the Ambito to add an operator, and sees the request
   waiting for the decision. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("network_operators_tour", {
    url: "/my/network",
    steps: () => [
        {
            content: "Open the operators' page",
            trigger: "#network_nav a[href='/my/network/operators']",
            run: "click",
        },
        {
            content: "Full name",
            trigger: "form.o_network_operator_add input[name=person_name]",
            run: "edit Ornella Tour",
        },
        {
            content: "E-mail",
            trigger: "form.o_network_operator_add input[name=email]",
            run: "edit ornella.tour@caritas-segrate.example",
        },
        {
            content: "Training course",
            trigger: "form.o_network_operator_add input[name=course]",
            run: "edit Corso Segretariato Sociale Diffuso",
        },
        {
            content: "Send",
            trigger: "form.o_network_operator_add button[type=submit]",
            run: "click",
        },
        {
            content: "The request is sent",
            trigger: ".alert-success",
        },
        {
            content: "and waits for the Ambito",
            trigger: ".o_network_operator_requests li:contains('Ornella Tour')",
        },
    ],
});
