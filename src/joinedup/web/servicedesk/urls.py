"""Service-desk pages, included under /servicedesk/ by web/urls.py."""

from django.urls import URLPattern, URLResolver, include, path

from joinedup.web.servicedesk import assets, levels

urlpatterns: list[URLPattern | URLResolver] = [
    path("levels/", levels.agreements_page, name="servicedesk_levels"),
    path("levels/<int:agreement_id>/", levels.agreement_page, name="servicedesk_level"),
    path("", include(assets)),
]
