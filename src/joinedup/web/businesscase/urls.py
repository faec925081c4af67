"""Business-case pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.businesscase import drawing, realisation, views

urlpatterns: list[URLPattern] = [
    path("", views.cases, name="businesscase_cases"),
    path("new", views.case_new, name="businesscase_new"),
    path("<int:case_id>/", views.case, name="businesscase_case"),
    path("<int:case_id>/edit", drawing.case_edit, name="businesscase_edit"),
    path("<int:case_id>/appraisal.<str:fmt>", views.appraisal_export, name="businesscase_appraisal_export"),
    path("<int:case_id>/baseline.<str:fmt>", views.baseline_export, name="businesscase_baseline_export"),
    path("<int:case_id>/options.<str:fmt>", views.options_export, name="businesscase_options_export"),
    path("<int:case_id>/shares.<str:fmt>", views.shares_export, name="businesscase_shares_export"),
    path("<int:case_id>/decisions.<str:fmt>", views.decisions_export, name="businesscase_decisions_export"),
    path("<int:case_id>/import", views.baseline_import, name="businesscase_import"),
    path("<int:case_id>/options/new", views.option_new, name="businesscase_option_new"),
    path("<int:case_id>/options/<int:option_id>/", views.option_edit, name="businesscase_option"),
    path(
        "<int:case_id>/options/<int:option_id>/remove", views.option_remove, name="businesscase_option_remove"
    ),
    path("<int:case_id>/options/<int:option_id>/lines/new", views.line_new, name="businesscase_line_new"),
    path("<int:case_id>/options/<int:option_id>/draw", drawing.option_draw, name="businesscase_option_draw"),
    path("<int:case_id>/baselines/draw", drawing.baseline_draw, name="businesscase_baseline_draw"),
    path("<int:case_id>/lines/<int:line_id>/", views.line_edit, name="businesscase_line"),
    path("<int:case_id>/lines/<int:line_id>/remove", views.line_remove, name="businesscase_line_remove"),
    path("<int:case_id>/allocation", views.allocation, name="businesscase_allocation"),
    path("<int:case_id>/baselines/new", views.baseline_new, name="businesscase_baseline_new"),
    path("<int:case_id>/baselines/<int:baseline_id>/", views.baseline_edit, name="businesscase_baseline"),
    path(
        "<int:case_id>/baselines/<int:baseline_id>/remove",
        views.baseline_remove,
        name="businesscase_baseline_remove",
    ),
    path("<int:case_id>/sharing", views.sharing, name="businesscase_sharing"),
    path("<int:case_id>/realisation", realisation.realisation_page, name="businesscase_realisation"),
    path("<int:case_id>/realisation.pdf", realisation.realisation_pdf, name="businesscase_realisation_pdf"),
    path(
        "<int:case_id>/realisation/<str:table>.<str:fmt>",
        realisation.realisation_export,
        name="businesscase_realisation_export",
    ),
    path("cost-centres/<str:code>", realisation.mapping, name="businesscase_mapping"),
    path(
        "cost-centres/<str:code>/mapping.<str:fmt>",
        realisation.mapping_export,
        name="businesscase_mapping_export",
    ),
]
