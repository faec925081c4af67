"""Occupational-health pages, included under /wellbeing/ by web/urls.py."""

from django.urls import URLPattern, URLResolver, path

from joinedup.web.wellbeing import cases, referrals

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
    path("my/", cases.my_oh, name="wellbeing_my"),
    path("my/<int:oh_case_id>/", cases.my_case, name="wellbeing_my_case"),
    path("access-log/", cases.access_log, name="wellbeing_access_log"),
]
