"""Business-case pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.businesscase import realisation, views

urlpatterns: list[URLPattern] = [
    path("", views.cases, name="businesscase_cases"),
    path("<int:case_id>/", views.case, name="businesscase_case"),
    path("<int:case_id>/appraisal.<str:fmt>", views.appraisal_export, name="businesscase_appraisal_export"),
    path("<int:case_id>/baseline.<str:fmt>", views.baseline_export, name="businesscase_baseline_export"),
    path("<int:case_id>/import", views.baseline_import, name="businesscase_import"),
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
