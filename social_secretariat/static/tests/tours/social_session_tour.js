/** @odoo-module **/
/* An operator records an anonymous first contact, decodes the need, adds the suggested
   service and closes the session. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_session_tour", {
    url: "/odoo/action-social_secretariat.social_listening_session_action",
    steps: () => [
        {
            content: "New contact",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Write the request as the person expressed it",
            trigger: ".o_field_widget[name=request] textarea",
            run: "edit My neighbour has not left home for days",
        },
        {
            content: "Anonymous first contact: age band",
            trigger: ".o_field_widget[name=anon_age_band] select",
            run: 'select "75_plus"',
        },
        {
            content: "Decode the need",
            trigger: ".o_field_widget[name=need_ids] input",
            run: "edit Loneliness (tour)",
        },
        {
            trigger: '.ui-menu-item a:contains("Loneliness (tour)")',
            run: "click",
        },
        {
            content: "The catalogue suggests the service for that need",
            trigger: ".o_notebook .nav-link[name=orientation]",
            run: "click",
        },
        {
            trigger:
                '.o_field_widget[name=suggested_service_ids] td:contains("Friendly visits (tour)")',
        },
        {
            content: "Add the suggestions to the services the person is oriented to",
            trigger: "button[name=action_add_suggested_services]",
            run: "click",
        },
        {
            trigger:
                '.o_field_widget[name=service_ids] .o_tag:contains("Friendly visits (tour)")',
        },
        {
            content: "Outcome",
            trigger: ".o_notebook .nav-link[name=outcome]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome] select",
            run: 'select "orientation"',
        },
        {
            content: "Close the session",
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            content: "The session is done and read-only",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});
