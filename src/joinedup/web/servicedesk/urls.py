"""Service-desk pages, included under /servicedesk/ by web/urls.py."""

from django.urls import URLPattern, URLResolver, include, path

from joinedup.web.servicedesk import assets, levels, reports, satisfaction, tickets

urlpatterns: list[URLPattern | URLResolver] = [
    path("", tickets.my_tickets, name="servicedesk_my_tickets"),
    path("new", tickets.ticket_new, name="servicedesk_ticket_new"),
    path("queue/", tickets.queue, name="servicedesk_queue"),
    path("team/", tickets.team_tickets, name="servicedesk_team_tickets"),
    path("tickets/<int:ticket_id>/", tickets.ticket, name="servicedesk_ticket"),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>",
        tickets.attachment,
        name="servicedesk_ticket_attachment",
    ),
    path("levels/", levels.agreements_page, name="servicedesk_levels"),
    path("levels/<int:agreement_id>/", levels.agreement_page, name="servicedesk_level"),
    path("reports/", reports.report_page, name="servicedesk_reports"),
    path("satisfaction/<str:token>/", satisfaction.survey_page, name="servicedesk_satisfaction"),
    path("", include(assets)),
]
