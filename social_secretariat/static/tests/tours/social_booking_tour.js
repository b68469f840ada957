/** @odoo-module **/
/* A citizen books an appointment from the portal, moves it to another time, then cancels it.
   The pages are in Italian: steps match classes, data-* attributes, names and links, and the
   names of the records the test creates. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_booking_tour", {
    url: "/social/book",
    steps: () => [
        {
            content: "Step 1: choose the topic",
            trigger: '.o_social_booking_step[data-step="1"]',
        },
        {
            trigger:
                'a.o_social_booking_choice[href^="/social/book/desk"]:contains("Colloquio tour online")',
            run: "click",
        },
        {
            content: "Step 2: choose the desk",
            trigger: '.o_social_booking_step[data-step="2"]',
        },
        {
            trigger:
                'a.o_social_booking_choice[href^="/social/book/day"]:contains("Sportello tour prenotazioni")',
            run: "click",
        },
        {
            content: "Step 3: the first day with free times",
            trigger: '.o_social_booking_step[data-step="3"]',
        },
        {
            trigger: 'a.o_social_booking_day[href^="/social/book/time"]:first',
            run: "click",
        },
        {
            content: "Step 4: the first free time",
            trigger: '.o_social_booking_step[data-step="4"]',
        },
        {
            trigger: 'a.o_social_booking_time[href^="/social/book/confirm"]:first',
            run: "click",
        },
        {
            content: "Step 5: confirm, with the privacy notice read",
            trigger: '.o_social_booking_step[data-step="5"]',
        },
        {
            trigger: "form.o_social_booking_confirm textarea[name=note]",
            run: "edit Vengo con mia figlia",
        },
        {
            trigger: "form.o_social_booking_confirm input[name=privacy]",
            run: "click",
        },
        {
            trigger: "form.o_social_booking_confirm input[name=privacy]:checked",
        },
        {
            trigger: "form.o_social_booking_confirm button[type=submit]",
            run: "click",
        },
        {
            content: "The appointment is booked",
            trigger: ".o_social_booking_done",
        },
        {
            trigger: '.o_social_appointment_state[data-state="booked"]',
        },
        {
            content: "Move it",
            trigger: 'a.o_social_appointment_reschedule[href$="/reschedule"]',
            run: "click",
        },
        {
            trigger: 'a.o_social_booking_day[href*="/reschedule?day="]:first',
            run: "click",
        },
        {
            content: "Another time (its own is not offered)",
            trigger:
                "form[action$='/reschedule'] button.o_social_reschedule_time[data-start]:first",
            run: "click",
        },
        {
            content: "Review: the old and the new time side by side; confirm",
            trigger: "form.o_social_review_reschedule button[type=submit]",
            run: "click",
        },
        {
            content: "Back on the appointment, still booked, at the new time",
            trigger: '.o_social_appointment_state[data-state="booked"]',
        },
        {
            trigger: "form.o_social_appointment_cancel textarea[name=reason]",
            run: "edit Ho un altro impegno",
        },
        {
            content: "Cancel it",
            trigger: "form.o_social_appointment_cancel button[type=submit]",
            run: "click",
        },
        {
            content: "Asked once more: yes, cancel it",
            trigger: "form.o_social_review_cancel button[type=submit]",
            run: "click",
        },
        {
            content: "The appointment is cancelled",
            trigger: '.o_social_appointment_state[data-state="cancelled"]',
        },
    ],
});
