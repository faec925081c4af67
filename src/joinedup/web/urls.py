from django.urls import include, path

from joinedup.web import ledger_urls, payroll_views, people_views, recharge_urls, views, year_end_views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.SignInView.as_view(), name="login"),
    path("sign-out", views.SignOutView.as_view(), name="logout"),
    path("partner", views.switch_partner, name="switch_partner"),
    path("audit", views.audit_events, name="audit_events"),
    path("people", people_views.people_search, name="people"),
    path("people/new", people_views.hire, name="hire"),
    path("people/import", people_views.people_import, name="people_import"),
    path("people/import/report", people_views.import_report, name="import_report"),
    path("people/import/problems.csv", people_views.import_problems, name="import_problems"),
    path(
        "people/import/templates/<slug:kind>.<slug:fmt>", people_views.import_template, name="import_template"
    ),
    path("people/<int:person_id>", people_views.person_detail, name="person"),
    path("employments/<int:employment_id>/terms/new", people_views.change_terms, name="change_terms"),
    path("employments/<int:employment_id>/end", people_views.end_employment, name="end_employment"),
    path("employments/<int:employment_id>/sickness", people_views.record_sickness, name="record_sickness"),
    path("employments/<int:employment_id>/cost-split", people_views.cost_split, name="cost_split"),
    path("employments/<int:employment_id>/secondment", people_views.secondment, name="secondment"),
    path("transfers/new", people_views.transfer_new, name="transfer_new"),
    path("transfers/<int:transfer_id>", people_views.transfer_detail, name="transfer"),
    path("establishment", people_views.establishment, name="establishment"),
    path("me", people_views.my_record, name="me"),
    path("team", people_views.my_team, name="team"),
    path("absences/<int:absence_id>/decision", people_views.decide_absence, name="decide_absence"),
    path("payroll", payroll_views.runs, name="pay_runs"),
    path("payroll/runs/<int:run_id>", payroll_views.run_detail, name="pay_run"),
    path("payroll/runs/<int:run_id>/progress", payroll_views.run_progress, name="pay_run_progress"),
    path("payroll/runs/<int:run_id>/journal.csv", payroll_views.run_journal, name="pay_run_journal"),
    path("payroll/runs/<int:run_id>/bacs.txt", payroll_views.run_bacs, name="pay_run_bacs"),
    path("payroll/runs/<int:run_id>/fps.xml", payroll_views.run_fps, name="pay_run_fps"),
    path(
        "payroll/runs/<int:run_id>/p45s/<int:employment_id>",
        year_end_views.p45_issue,
        name="pay_run_p45_issue",
    ),
    path("payroll/runs/<int:run_id>/<slug:action>", payroll_views.run_action, name="pay_run_action"),
    path("payroll/flags/<int:flag_id>/accept", payroll_views.accept_flag, name="accept_flag"),
    path("payroll/year-end", year_end_views.year_end_page, name="year_end"),
    path(
        "payroll/year-end/<int:tax_year>/p60s/<int:employment_id>.pdf", year_end_views.p60_pdf, name="p60_pdf"
    ),
    path("employments/<int:employment_id>/p45.pdf", year_end_views.p45_pdf, name="p45_pdf"),
    path("payslips/<int:payslip_id>", payroll_views.payslip_detail, name="payslip"),
    path("payslips/<int:payslip_id>.pdf", payroll_views.payslip_pdf, name="payslip_pdf"),
    path("me/payslips", payroll_views.my_payslips, name="my_payslips"),
    path("ledger/", include(ledger_urls)),
    path("recharges/", include(recharge_urls)),
]
