/** @odoo-module **/
/* A hub operator records a digital facilitation act: a mistyped codice fiscale is refused
   with the form kept, then the act is recorded and listed. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("network_assistance_tour", {
    url: "/my/network/assistance/new",
    steps: () => [
        {
            content: "Codice fiscale, last character mistyped",
            trigger: "input[name=fiscal_code]",
            run: "edit RSSMRA80C15G686X",
        },
        {
            content: "Gender",
            trigger: "input[name=gender][value=female]",
            run: "click",
        },
        {
            content: "Age band",
            trigger: "input[name=age_band][value='55_74']",
            run: "click",
        },
        {
            content: "Education",
            trigger: "select[name=education_level]",
            run: "select upper_secondary",
        },
        {
            content: "Employment",
            trigger: "select[name=employment_status]",
            run: "select retired",
        },
        {
            content: "Citizenship",
            trigger: "input[name=citizenship][value=italian]",
            run: "click",
        },
        {
            content: "Province of domicile",
            trigger: "select[name=province_id]",
            run: "selectByLabel Milano",
        },
        {
            content: "Duration",
            trigger: "input[name=duration]",
            run: "edit 45",
        },
        {
            content: "Public service",
            trigger: "select[name=service_area]",
            run: "select inps",
        },
        {
            content: "A competence: the first one (digital identity)",
            trigger: "input[name=competence_ids]:first",
            run: "check",
        },
        {
            content: "Description",
            trigger: "textarea[name=description]",
            run: "edit Domanda di Assegno unico con SPID tour",
        },
        {
            content: "Record",
            trigger: "form.o_network_assistance_form button[type=submit]",
            run: "click",
        },
        {
            content: "The codice fiscale is refused, the rest is kept",
            trigger: "#network_fiscal_code_error",
        },
        {
            trigger:
                "textarea[name=description]:value(Domanda di Assegno unico con SPID tour)",
        },
        {
            content: "Correct the codice fiscale",
            trigger: "input[name=fiscal_code]",
            run: "edit RSSMRA80C15G686K",
        },
        {
            content: "Record again",
            trigger: "form.o_network_assistance_form button[type=submit]",
            run: "click",
        },
        {
            content: "Recorded, and listed in this month's acts",
            trigger: ".alert-success",
        },
        {
            trigger: ".o_network_assistance_table a[href^='/my/network/assistance/']",
        },
    ],
});
