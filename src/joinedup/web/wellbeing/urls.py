"""Occupational-health pages, included under /wellbeing/ by web/urls.py."""

from django.urls import URLPattern, URLResolver, path

from joinedup.web.wellbeing import (
    adjustments,
    attachments,
    cases,
    programmes,
    questionnaires,
    referrals,
    retention,
    surveillance,
)

urlpatterns: list[URLPattern | URLResolver] = [
    # Referrals and cases (web/wellbeing/referrals.py, cases.py).
    path("", cases.home, name="wellbeing_home"),
    path("referrals/", referrals.referrals, name="wellbeing_referrals"),
    path("referrals/waiting", referrals.waiting, name="wellbeing_waiting"),
    path("referrals/<int:referral_id>/", referrals.referral, name="wellbeing_referral"),
    path("refer/<int:employment_id>", referrals.refer, name="wellbeing_refer"),
    path("self-referral", referrals.self_referral, name="wellbeing_self_refer"),
    path("cases/", cases.case_list, name="wellbeing_cases"),
    path("cases/<int:oh_case_id>/", cases.case_page, name="wellbeing_case"),
    path("cases/<int:oh_case_id>/report", cases.report_page, name="wellbeing_report"),
    path("cases/<int:oh_case_id>/attachments/", attachments.attachment_list, name="wellbeing_attachments"),
    path(
        "cases/<int:oh_case_id>/attachments/<int:oh_attachment_id>",
        attachments.attachment_download,
        name="wellbeing_attachment",
    ),
    path(
        "cases/<int:oh_case_id>/questionnaires/",
        questionnaires.questionnaire_list,
        name="wellbeing_questionnaires",
    ),
    path(
        "my/questionnaires/<int:oh_questionnaire_id>",
        questionnaires.my_questionnaire,
        name="wellbeing_my_questionnaire",
    ),
    path("my/", cases.my_oh, name="wellbeing_my"),
    path("my/<int:oh_case_id>/", cases.my_case, name="wellbeing_my_case"),
    path("my/<int:oh_case_id>/reads/", cases.my_case_reads, name="wellbeing_my_case_reads"),
    path("access-log/", cases.access_log, name="wellbeing_access_log"),
    # Retention and legal holds (web/wellbeing/retention.py).
    path("retention/", retention.retention_page, name="wellbeing_retention"),
    # The register of workplace adjustments (web/wellbeing/adjustments.py).
    path("adjustments/", adjustments.register, name="wellbeing_adjustments"),
    path("adjustments/team/", adjustments.team_register, name="wellbeing_team_adjustments"),
]

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
    path("surveillance/checks/", surveillance.checks_download, name="wellbeing_surveillance_checks"),
    path(
        "surveillance/team/checks/",
        surveillance.team_checks_download,
        name="wellbeing_surveillance_team_checks",
    ),
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
