"""Occupational-health pages, included under /wellbeing/ by web/urls.py."""

from django.urls import URLPattern, URLResolver, path

from joinedup.web.wellbeing import programmes, surveillance

urlpatterns: list[URLPattern | URLResolver] = []

# Health surveillance and wellbeing programmes (ohsurvweb).
urlpatterns += [
    path("surveillance/", surveillance.surveillance_list, name="wellbeing_surveillance"),
    path("surveillance/programmes/", surveillance.programme_list, name="wellbeing_surveillance_programmes"),
    path(
        "surveillance/programmes/<int:surveillance_programme_id>/",
        surveillance.programme_page,
        name="wellbeing_surveillance_programme",
    ),
    path(
        "surveillance/enrolments/<int:enrolment_id>/",
        surveillance.enrolment_page,
        name="wellbeing_surveillance_enrolment",
    ),
    path("surveillance/team/", surveillance.team_page, name="wellbeing_surveillance_team"),
    path("my-surveillance/", surveillance.my_surveillance, name="wellbeing_my_surveillance"),
    path("programmes/", programmes.programme_list, name="wellbeing_programmes"),
    path("programmes/import/", programmes.usage_import, name="wellbeing_programmes_import"),
    path("programmes/usage/", programmes.usage_report, name="wellbeing_programme_usage"),
    path(
        "programmes/<int:wellbeing_programme_id>/",
        programmes.programme_page,
        name="wellbeing_programme",
    ),
]
