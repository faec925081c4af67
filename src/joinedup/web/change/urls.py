"""Workforce-change pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.change import consultation, impact, strain, transfers, views, vr

urlpatterns: list[URLPattern] = [
    path("", views.programmes, name="change_programmes"),
    path("programmes/<int:programme_id>/", views.programme, name="change_programme"),
    path("programmes/<int:programme_id>/costing", impact.costing, name="change_costing"),
    path("programmes/<int:programme_id>/impact", impact.impact, name="change_impact"),
    path("programmes/<int:programme_id>/impact.pdf", impact.impact_pdf_view, name="change_impact_pdf"),
    path("structures/<int:structure_id>/", views.structure, name="change_structure"),
    path("structures/<int:structure_id>/apply", views.apply, name="change_structure_apply"),
    path("structures/<int:structure_id>/at-risk", views.at_risk, name="change_at_risk"),
    path("at-risk/<int:at_risk_id>/", views.at_risk_person, name="change_at_risk_person"),
    path("redeployments/<int:redeployment_id>/", views.redeployment, name="change_redeployment"),
    path("vr-windows/<int:window_id>/", vr.vr_window, name="change_vr_window"),
    path("vr-interests/<int:interest_id>/", vr.vr_interest, name="change_vr_interest"),
    path("vr-interests/<int:interest_id>/decide", vr.vr_decide, name="change_vr_decide"),
    path(
        "vr-interests/<int:interest_id>/confirm-leaving",
        vr.vr_confirm_leaving,
        name="change_vr_confirm_leaving",
    ),
    path("vr-interests/<int:interest_id>/letter.pdf", vr.vr_letter, name="change_vr_letter"),
    path("vr-delegations/", vr.vr_delegations, name="change_vr_delegations"),
    path("strain-factors/", strain.strain_factors, name="change_strain_factors"),
    path("vr-delegations/<int:delegation_id>/end", vr.vr_delegation_end, name="change_vr_delegation_end"),
    # Collective consultation (web/change/consultation.py).
    path("consultations/", consultation.consultations, name="change_consultations"),
    path(
        "programmes/<int:programme_id>/consultations",
        consultation.programme_consultations,
        name="change_programme_consultations",
    ),
    path("consultations/<int:consultation_id>/", consultation.consultation, name="change_consultation"),
    path(
        "consultations/<int:consultation_id>/timeline",
        consultation.timeline,
        name="change_consultation_timeline",
    ),
    path(
        "consultation-documents/<int:document_id>",
        consultation.document,
        name="change_consultation_document",
    ),
    # TUPE transfer and secondment plans (web/change/transfers.py).
    path(
        "programmes/<int:programme_id>/transfer-plans",
        transfers.programme_plans,
        name="change_transfer_plans",
    ),
    path("transfer-plans/<int:plan_id>/", transfers.plan, name="change_transfer_plan"),
    path(
        "transfer-plans/<int:plan_id>/from-scope",
        transfers.plan_from_scope,
        name="change_transfer_from_scope",
    ),
    path(
        "transfer-plans/<int:plan_id>/carry-out",
        transfers.plan_carry_out,
        name="change_transfer_carry_out",
    ),
    path(
        "transfer-plan-members/<int:member_id>/remove",
        transfers.member_remove,
        name="change_transfer_member_remove",
    ),
    path("transfer-plans/<int:plan_id>/eli", transfers.eli, name="change_transfer_eli"),
    path("transfer-plans/<int:plan_id>/comparison", transfers.comparison, name="change_transfer_comparison"),
    path("transfer-plans/<int:plan_id>/terms", transfers.terms, name="change_transfer_terms"),
    path(
        "transfer-plans/<int:plan_id>/measures-letter.pdf",
        transfers.measures_letter,
        name="change_transfer_measures_letter",
    ),
]
