from django.urls import path

from joinedup.web import people_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.SignInView.as_view(), name="login"),
    path("sign-out", views.SignOutView.as_view(), name="logout"),
    path("partner", views.switch_partner, name="switch_partner"),
    path("audit", views.audit_events, name="audit_events"),
    path("people", people_views.people_search, name="people"),
    path("people/<int:person_id>", people_views.person_detail, name="person"),
    path("employments/<int:employment_id>/terms/new", people_views.change_terms, name="change_terms"),
    path("establishment", people_views.establishment, name="establishment"),
    path("me", people_views.my_record, name="me"),
    path("team", people_views.my_team, name="team"),
    path("absences/<int:absence_id>/decision", people_views.decide_absence, name="decide_absence"),
]
