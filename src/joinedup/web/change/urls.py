"""Workforce-change pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.change import views, vr

urlpatterns: list[URLPattern] = [
    path("", views.programmes, name="change_programmes"),
    path("programmes/<int:programme_id>/", views.programme, name="change_programme"),
    path("structures/<int:structure_id>/", views.structure, name="change_structure"),
    path("structures/<int:structure_id>/apply", views.apply, name="change_structure_apply"),
    path("structures/<int:structure_id>/at-risk", views.at_risk, name="change_at_risk"),
    path("vr-windows/<int:window_id>/", vr.vr_window, name="change_vr_window"),
    path("vr-interests/<int:interest_id>/decide", vr.vr_decide, name="change_vr_decide"),
]
