"""Web pages for people, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.people import views

urlpatterns: list[URLPattern] = [
    path("people", views.people_search, name="people"),
    path("people/new", views.hire, name="hire"),
    path("people/import", views.people_import, name="people_import"),
    path("people/import/report", views.import_report, name="import_report"),
    path("people/import/problems.csv", views.import_problems, name="import_problems"),
    path("people/import/templates/<slug:kind>.<slug:fmt>", views.import_template, name="import_template"),
    path("people/<int:person_id>", views.person_detail, name="person"),
    path("employments/<int:employment_id>/terms/new", views.change_terms, name="change_terms"),
    path("employments/<int:employment_id>/end", views.end_employment, name="end_employment"),
    path("employments/<int:employment_id>/sickness", views.record_sickness, name="record_sickness"),
    path("employments/<int:employment_id>/cost-split", views.cost_split, name="cost_split"),
    path("employments/<int:employment_id>/secondment", views.secondment, name="secondment"),
    path("transfers/new", views.transfer_new, name="transfer_new"),
    path("transfers/<int:transfer_id>", views.transfer_detail, name="transfer"),
    path("establishment", views.establishment, name="establishment"),
    path("me", views.my_record, name="me"),
    path("team", views.my_team, name="team"),
    path("absences/<int:absence_id>/decision", views.decide_absence, name="decide_absence"),
]
