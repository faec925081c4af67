from django.urls import path

from joinedup.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.SignInView.as_view(), name="login"),
    path("sign-out", views.SignOutView.as_view(), name="logout"),
    path("partner", views.switch_partner, name="switch_partner"),
    path("audit", views.audit_events, name="audit_events"),
]
