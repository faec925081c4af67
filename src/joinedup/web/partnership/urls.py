"""Administration pages, for a partner's service administrators."""

from django.urls import URLPattern, path

from joinedup.web.partnership import views

urlpatterns: list[URLPattern] = [
    path("", views.partner_settings, name="admin_partner"),
    path("bank-account", views.payroll_bank, name="admin_payroll_bank"),
    path("users", views.users, name="admin_users"),
    path("users/new", views.user_new, name="admin_user_new"),
    path("users/<int:user_id>", views.user_detail, name="admin_user"),
    path("users/<int:user_id>/active", views.user_active, name="admin_user_active"),
    path(
        "users/<int:user_id>/second-factor/reset", views.second_factor_reset, name="admin_second_factor_reset"
    ),
    path("users/<int:user_id>/unlock", views.sign_in_unlock, name="admin_sign_in_unlock"),
    path("roles/<int:membership_id>/revoke", views.role_revoke, name="admin_role_revoke"),
    path("tokens/<int:token_id>/revoke", views.token_revoke, name="admin_token_revoke"),
]
