"""The personal data the privacy app itself holds (issue 17: read by its own records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="privacy.subject_access",
        record_type="Subject-access requests and the exports that answer them",
        models=("privacy.SubjectAccessRequest",),
        evidence="privacy.SubjectAccessRequest",
        data_categories=(
            "the requester and the dates of the request, identity check and extension",
            "the export: everything the partner holds about them (encrypted, deleted at expiry)",
        ),
        data_subjects=("people who make a subject-access request",),
        purpose="Answering subject-access requests (UK GDPR Article 15)",
        lawful_basis="6(1)(c)",
        recipients=("the requester",),
        retention=Retention(
            period="The export until it expires after release; the log 2 years after the request closes",
            source=(
                "The partner's policy (no statutory period); the export's expiry is privacy's SAR_EXPORT_DAYS"
            ),
        ),
        security_measures=(
            "Exports encrypted at rest and reviewed by the DPO before release",
            "Access by the DPO only (privacy.sar); every step in the audit log",
        ),
    ),
    Declaration(
        key="privacy.retention_holds",
        record_type="Legal holds that stop records being removed at the end of their retention",
        models=("privacy.RetentionHold",),
        evidence="privacy.RetentionHold",
        data_categories=(
            "the person whose records are held (when the hold is not on every record of a type)",
            "the matter's reference and why it is held; who placed and lifted it, and when; the day it "
            "ends, if set",
        ),
        data_subjects=("employees whose records are under a legal hold",),
        purpose="Keeping records a claim, tribunal or investigation needs beyond their retention",
        lawful_basis="6(1)(c)",
        recipients=("the partner's data-protection officer",),
        retention=Retention(
            period="While the hold is in force, and 6 years after it is lifted or ends",
            source="Limitation Act 1980 s.5 (the matter's claims); the partner's policy",
        ),
        security_measures=(
            "Placed, lifted and its end date changed by the DPO only (privacy.retention); each in the "
            "audit log, without the reason's words",
        ),
    ),
    Declaration(
        key="privacy.access_review",
        record_type="Re-certifications of who holds which role on the partner",
        models=("privacy.AccessReview", "privacy.AccessReviewLine"),
        evidence="privacy.AccessReviewLine",
        data_categories=(
            "the users holding each role when the review opened, and the nominated manager",
            "each role's decision (certified, revoked, lapsed), who made it and when",
        ),
        data_subjects=("staff and contractors holding roles on the partner",),
        purpose="Keeping access to the partner's data to those who still need it (UK GDPR Art. 32)",
        lawful_basis="6(1)(c)",
        recipients=("the partner's data-protection officer", "the nominated manager"),
        retention=Retention(
            period="6 years after the review closes",
            source="The partner's policy (no statutory period); evidence of Art. 32 measures",
        ),
        security_measures=(
            "Opened by the DPO only (privacy.access_review); decided by the nominee only; each "
            "decision and lapse in the audit log",
        ),
    ),
    Declaration(
        key="privacy.processor_users",
        record_type="Which processor (contractor) each of its users works for",
        models=("privacy.ProcessorUser",),
        # A partner whose data processors reach: it has engaged one.
        evidence="privacy.ProcessorEngagement",
        data_categories=("the user", "the processor they work for, from when and until when"),
        data_subjects=("staff of the partner's processors and sub-processors who use joinedup",),
        purpose="Limiting a processor's staff to the data the partner has approved it for (Art. 28)",
        lawful_basis="6(1)(c)",
        recipients=("the partner's data-protection officer",),
        retention=Retention(
            period="While the user works for the processor, then 6 years",
            source="The partner's policy (no statutory period); evidence of Art. 28 and 32 measures",
        ),
        security_measures=(
            "Linked and ended by the service (privacy.records); refusals each in the audit log",
        ),
    ),
)
