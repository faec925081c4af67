"""Web pages for people, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.people import changes, charges, imports, self_service, transfers, views

urlpatterns: list[URLPattern] = [
    path("people", views.people_search, name="people"),
    path("people/new", changes.hire, name="hire"),
    path("people/import", imports.people_import, name="people_import"),
    path("people/import/report", imports.import_report, name="import_report"),
    path("people/import/problems.csv", imports.import_problems, name="import_problems"),
    path("people/import/templates/<slug:kind>.<slug:fmt>", imports.import_template, name="import_template"),
    path("people/<int:person_id>", views.person_detail, name="person"),
    path("employments/<int:employment_id>/terms/new", changes.change_terms, name="change_terms"),
    path("employments/<int:employment_id>/end", changes.end_employment, name="end_employment"),
    path("employments/<int:employment_id>/sickness", changes.record_sickness, name="record_sickness"),
    path("employments/<int:employment_id>/cost-split", changes.cost_split, name="cost_split"),
    path("employments/<int:employment_id>/secondment", changes.secondment, name="secondment"),
    path("charges", charges.charge_requests, name="charge_requests"),
    path("charges/<slug:charge_kind>/<int:request_id>/decision", charges.decide_charge, name="decide_charge"),
    path("transfers/new", transfers.transfer_new, name="transfer_new"),
    path("transfers/<int:transfer_id>", transfers.transfer_detail, name="transfer"),
    path("establishment", views.establishment, name="establishment"),
    path("me", self_service.my_record, name="me"),
    path("team", self_service.my_team, name="team"),
    path("absences/<int:absence_id>/decision", self_service.decide_absence, name="decide_absence"),
]
