"""Web pages for people, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.change import vr
from joinedup.web.people import (
    changes,
    charges,
    equality,
    imports,
    my_changes,
    records,
    self_service,
    transfers,
    views,
)

urlpatterns: list[URLPattern] = [
    path("people", views.people_search, name="people"),
    path("people/new", changes.hire, name="hire"),
    path("people/import", imports.people_import, name="people_import"),
    path("people/import/report", imports.import_report, name="import_report"),
    path("people/import/problems.csv", imports.import_problems, name="import_problems"),
    path("people/import/templates/<slug:kind>.<slug:fmt>", imports.import_template, name="import_template"),
    path("people/<int:person_id>", views.person_detail, name="person"),
    path("people/<int:person_id>/contact", records.edit_contact, name="edit_contact"),
    path("people/<int:person_id>/bank", records.bank_change, name="bank_change"),
    path("people/<int:person_id>/equality", equality.person_equality, name="person_equality"),
    path("bank-changes/<int:change_id>/decision", records.decide_bank_change, name="decide_bank_change"),
    path("employments/<int:employment_id>/job", records.change_job, name="change_job"),
    path("staff", records.staff, name="staff"),
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
    path("me/contact", my_changes.my_contact, name="my_contact"),
    path("me/bank", my_changes.my_bank, name="my_bank"),
    path("me/leave", my_changes.my_leave, name="my_leave"),
    path("me/voluntary-redundancy", vr.my_vr, name="my_vr"),
    path("me/voluntary-redundancy/<int:interest_id>/withdraw", vr.my_vr_withdraw, name="my_vr_withdraw"),
    path("me/leave/<int:absence_id>/cancel", my_changes.cancel_leave, name="cancel_leave"),
    path("team", self_service.my_team, name="team"),
    path("absences/<int:absence_id>/decision", self_service.decide_absence, name="decide_absence"),
]
