from django.urls import include, path

from joinedup.web import components, second_factor, views
from joinedup.web.businesscase import urls as businesscase_urls
from joinedup.web.change import urls as change_urls
from joinedup.web.ledger import urls as ledger_urls
from joinedup.web.partnership import urls as admin_urls
from joinedup.web.payroll import urls as payroll_urls
from joinedup.web.people import urls as people_urls
from joinedup.web.privacy import urls as privacy_urls
from joinedup.web.purchasing import urls as purchasing_urls
from joinedup.web.recharges import urls as recharge_urls
from joinedup.web.servicedesk import knowledge as servicedesk_knowledge
from joinedup.web.servicedesk import notifications as servicedesk_notifications
from joinedup.web.servicedesk import urls as servicedesk_urls
from joinedup.web.wellbeing import urls as wellbeing_urls

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.SignInView.as_view(), name="login"),
    path("sign-out", views.SignOutView.as_view(), name="logout"),
    path("sign-in/code", second_factor.verify, name="second_factor_verify"),
    path("account/second-factor", second_factor.account_security, name="account_security"),
    path(
        "account/second-factor/recovery-codes",
        second_factor.new_recovery_codes,
        name="second_factor_new_recovery_codes",
    ),
    path("partner", views.switch_partner, name="switch_partner"),
    path("audit", views.audit_events, name="audit_events"),
    path("accessibility", views.site_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy", views.site_page, {"page": "privacy"}, name="privacy"),
    path("help", views.site_page, {"page": "help"}, name="help"),
    path("components/", components.library, name="components"),
    path("", include(people_urls)),
    path("", include(payroll_urls)),
    path("ledger/", include(ledger_urls)),
    path("recharges/", include(recharge_urls)),
    path("change/", include(change_urls)),
    path("businesscase/", include(businesscase_urls)),
    path("purchasing/", include(purchasing_urls)),
    path("servicedesk/", include(servicedesk_urls)),
    path("wellbeing/", include(wellbeing_urls)),
    path("data-protection/", include(privacy_urls)),
    path("admin/", include(admin_urls)),
    path("servicedesk/help/", include(servicedesk_knowledge.urlpatterns)),
    path("servicedesk/notifications/", include(servicedesk_notifications.urlpatterns)),
]
