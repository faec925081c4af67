"""The personal data the partnership holds about users (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="partnership.users",
        record_type="User accounts, roles, API tokens and second factors",
        models=(
            "partnership.User",
            "partnership.Membership",
            "partnership.ApiToken",
            "partnership.RecoveryCodeDevice",
            "partnership.RecoveryCode",
        ),
        # Every partner has users from the day it is made.
        evidence="",
        data_categories=("name", "email address", "username", "roles held", "sign-in factors (hashed)"),
        data_subjects=("staff who use joinedup",),
        purpose="Giving staff access to the services they are entitled to, and no more",
        lawful_basis="6(1)(e)",
        recipients=("none",),
        retention=Retention(
            period="While the user holds a role, then 1 year",
            source="The partner's policy (no statutory period)",
        ),
        security_measures=("Passwords and recovery codes hashed", "Second factor for privileged roles"),
    ),
)
