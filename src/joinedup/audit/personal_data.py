"""The personal data the audit log holds (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="audit.events",
        record_type="Audit log: who did what to whose record, with the values before and after",
        models=("audit.AuditEvent",),
        # Every partner has an audit chain from the day it is made.
        evidence="",
        data_categories=("the acting user", "the record changed and its values before and after"),
        data_subjects=("staff who use joinedup", "the people whose records changed"),
        purpose="Accountability and security: showing who changed what, and that nothing else did",
        lawful_basis="6(1)(c)",
        recipients=("the partner's auditors",),
        retention=Retention(
            period=(
                "As long as the records it describes; content redacted when they are erased (the "
                "chain keeps its hashes)"
            ),
            source="UK GDPR Article 5(2) and Article 32 (accountability, security of processing)",
        ),
        security_measures=("Hash-chained per partner, verifiable", "Append only"),
    ),
)
