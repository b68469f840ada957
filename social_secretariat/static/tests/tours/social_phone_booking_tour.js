/** @odoo-module **/
/* An operator books an appointment on the phone with the booking assistant. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_phone_booking_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Social Secretariat app",
            trigger: '.o_app[data-menu-xmlid="social_secretariat.menu_social_root"]',
            run: "click",
        },
        {
            trigger:
                '.o_main_navbar [data-menu-xmlid="social_secretariat.social_appointment_root_menu"]',
            run: "click",
        },
        {
            content: "Book an appointment",
            trigger:
                '[data-menu-xmlid="social_secretariat.social_appointment_booking_wizard_menu"]',
            run: "click",
        },
        {
            content: "The person on the phone",
            trigger: ".modal .o_field_widget[name=person_id] input",
            run: "edit Tourtelefono",
        },
        {
            trigger: '.ui-menu-item a:contains("Rossana Tourtelefono")',
            run: "click",
        },
        {
            content: "The topic",
            trigger: ".modal .o_field_widget[name=topic_id] input",
            run: "edit Colloquio tour telefonico",
        },
        {
            trigger: '.ui-menu-item a:contains("Colloquio tour telefonico")',
            run: "click",
        },
        {
            content: "The desk",
            trigger: ".modal .o_field_widget[name=desk_id] input",
            run: "edit Sportello tour prenotazioni",
        },
        {
            trigger: '.ui-menu-item a:contains("Sportello tour prenotazioni")',
            run: "click",
        },
        {
            content: "Booked on the phone",
            trigger: ".modal .o_field_widget[name=channel] select",
            run: 'select "phone"',
        },
        {
            content: "Find the free times of the day",
            trigger: ".modal button[name=action_search_slots]",
            run: "click",
        },
        {
            content: "Choose the first free time",
            trigger: ".modal .o_field_widget[name=slot_id] input[type=radio]:first",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=slot_id] input[type=radio]:first:checked",
        },
        {
            content: "Book",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The confirmation to read out",
            trigger: ".modal button[name=action_open_appointment]",
        },
    ],
});
