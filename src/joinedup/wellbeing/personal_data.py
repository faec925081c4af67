"""The personal data occupational health holds (issue 17: read by privacy's records of processing).

The periods are the ones wellbeing/rules/retention.toml holds (joinedup.wellbeing.retention)."""

from joinedup.core.personal_data import Declaration, Retention

_SECURITY = (
    "Clinical notes encrypted at rest (MultiFernet, JOINEDUP_OH_KEYS) and readable only by clinicians",
    "Clinicians sign in with a second factor; every read of a case is logged (CaseAccessEvent)",
    "Outcome reports released to the manager only under the release rules, with the employee's response",
    "Partner-scoped access, enforced twice (guarded queries and PostgreSQL row-level security)",
)

DECLARATIONS = (
    Declaration(
        key="wellbeing.occupational_health",
        record_type=(
            "Occupational-health cases: referrals, appointments, clinical notes, outcome reports, adjustments"
        ),
        models=(
            "wellbeing.Referral",
            "wellbeing.Case",
            "wellbeing.Appointment",
            "wellbeing.ClinicalNote",
            "wellbeing.OutcomeReport",
            "wellbeing.AdjustmentRecord",
            "wellbeing.CaseAccessEvent",
        ),
        evidence="wellbeing.Referral",
        data_categories=(
            "reason for referral and consent",
            "clinical notes",
            "fitness for work and recommended adjustments",
            "appointments",
            "who read the case",
        ),
        data_subjects=("employees referred to occupational health",),
        purpose="Occupational medicine: assessing fitness for work and advising on adjustments",
        lawful_basis="6(1)(c)",
        recipients=("the referring manager and HR (outcome reports only, as released)",),
        retention=Retention(
            period="6 years after the employment ends, or to age 75 if sooner",
            source=(
                "NHS England Records Management Code of Practice 2021 (August 2023), 'Occupational "
                "health reports'"
            ),
            rule_file="wellbeing/rules/retention.toml (occupational_health)",
        ),
        security_measures=_SECURITY,
        special_categories=("health",),
        article_9_condition="9(2)(h)",
        schedule_1_condition="DPA 2018 Schedule 1 Part 1 paragraph 2 (health or social care purposes)",
    ),
    Declaration(
        key="wellbeing.health_surveillance",
        record_type="Health surveillance: enrolments and check results",
        models=("wellbeing.SurveillanceEnrolment", "wellbeing.SurveillanceCheck"),
        evidence="wellbeing.SurveillanceEnrolment",
        data_categories=("exposure (noise, substances, asbestos, night work)", "check dates and outcomes"),
        data_subjects=("employees under health surveillance",),
        purpose="Health surveillance required by health and safety law",
        lawful_basis="6(1)(c)",
        recipients=("Health and Safety Executive (on request)",),
        retention=Retention(
            period=(
                "40 years from the last entry (COSHH, asbestos); otherwise 6 years after the employment ends"
            ),
            source="COSHH Regulations 2002 reg 11(3); Control of Asbestos Regulations 2012 reg 22(1)(a)",
            rule_file=(
                "wellbeing/rules/retention.toml (health_surveillance_coshh, "
                "health_surveillance_asbestos, health_surveillance)"
            ),
        ),
        security_measures=_SECURITY,
        special_categories=("health",),
        article_9_condition="9(2)(b)",
        schedule_1_condition=(
            "DPA 2018 Schedule 1 Part 1 paragraph 1 (employment, social security and social protection)"
        ),
    ),
)
