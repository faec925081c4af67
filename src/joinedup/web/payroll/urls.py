"""Web pages for payroll and year end, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.payroll import calendar, pay_items, views, year_end

urlpatterns: list[URLPattern] = [
    path("payroll", views.runs, name="pay_runs"),
    path("payroll/runs/<int:run_id>", views.run_detail, name="pay_run"),
    path("payroll/runs/<int:run_id>/progress", views.run_progress, name="pay_run_progress"),
    path("payroll/runs/<int:run_id>/journal.csv", views.run_journal, name="pay_run_journal"),
    path("payroll/runs/<int:run_id>/bacs.txt", views.run_bacs, name="pay_run_bacs"),
    path("payroll/runs/<int:run_id>/fps.xml", views.run_fps, name="pay_run_fps"),
    path(
        "payroll/runs/<int:run_id>/p45s/<int:employment_id>",
        year_end.p45_issue,
        name="pay_run_p45_issue",
    ),
    path("payroll/runs/<int:run_id>/approve", views.run_approve, name="pay_run_approve"),
    path("payroll/runs/<int:run_id>/send-back", views.run_send_back, name="pay_run_send_back"),
    path("payroll/runs/<int:run_id>/flags/accept", views.accept_flags, name="accept_flags"),
    path("payroll/runs/<int:run_id>/<slug:action>", views.run_action, name="pay_run_action"),
    path("payroll/flags/<int:flag_id>/accept", views.accept_flag, name="accept_flag"),
    path("payroll/calendar", calendar.pay_calendar, name="pay_calendar"),
    path("payroll/year-end", year_end.year_end_page, name="year_end"),
    path("payroll/year-end/<int:tax_year>/p60s/<int:employment_id>.pdf", year_end.p60_pdf, name="p60_pdf"),
    path(
        "employments/<int:employment_id>/pay-items/new", pay_items.one_off_pay_item, name="one_off_pay_item"
    ),
    path("employments/<int:employment_id>/p45.pdf", year_end.p45_pdf, name="p45_pdf"),
    path("payslips/<int:payslip_id>", views.payslip_detail, name="payslip"),
    path("payslips/<int:payslip_id>.pdf", views.payslip_pdf, name="payslip_pdf"),
    path("me/payslips", views.my_payslips, name="my_payslips"),
]
