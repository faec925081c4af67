"""Workforce-change pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.change import views

urlpatterns: list[URLPattern] = [
    path("", views.programmes, name="change_programmes"),
    path("programmes/<int:programme_id>/", views.programme, name="change_programme"),
    path("structures/<int:structure_id>/", views.structure, name="change_structure"),
    path("structures/<int:structure_id>/apply", views.apply, name="change_structure_apply"),
    path("structures/<int:structure_id>/at-risk", views.at_risk, name="change_at_risk"),
]
