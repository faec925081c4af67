"""The personal data workforce change holds (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

_SECURITY = (
    "Partner-scoped access by role, enforced twice (guarded queries and PostgreSQL row-level security)",
    "Union representatives see the consultation log, never an individual's record",
    "Every change in the partner's hash-chained audit log",
)

DECLARATIONS = (
    Declaration(
        key="change.workforce_change",
        record_type=(
            "Workforce change: people at risk, selection, redeployment, voluntary redundancy, transfers"
        ),
        models=(
            "change.AtRisk",
            "change.Redeployment",
            "change.VrInterest",
            "change.TransferPlanMember",
            # Who may decide voluntary redundancy requests: a named member of staff.
            "change.VrDelegation",
        ),
        evidence="change.AtRisk",
        data_categories=(
            "post and FTE at risk",
            "selection pool",
            "redeployment trials and outcomes",
            "voluntary redundancy interest and leaving date",
            "redundancy and pension strain quotes",
            "transfer to another employer",
        ),
        data_subjects=("employees",),
        purpose="Restructuring: consultation, redundancy, redeployment and TUPE transfers",
        lawful_basis="6(1)(c)",
        recipients=("recognised trade unions (collective figures only)", "pension fund (strain costs)"),
        retention=Retention(
            period="6 years after the programme closes",
            source="Limitation Act 1980 s.5; Employment Rights Act 1996 s.111 claims are within it",
        ),
        security_measures=_SECURITY,
    ),
    Declaration(
        key="change.union_representatives",
        record_type="Union representatives appointed for consultation",
        models=("change.UnionRepresentative",),
        evidence="change.UnionRepresentative",
        data_categories=("name and user account", "union"),
        data_subjects=("union representatives",),
        purpose="Collective consultation (TULRCA 1992 s.188; TUPE 2006 reg 13)",
        lawful_basis="6(1)(c)",
        recipients=("none",),
        retention=Retention(
            period="While appointed, then 6 years after the programme closes",
            source="Limitation Act 1980 s.5",
        ),
        security_measures=_SECURITY,
        special_categories=("trade union membership",),
        article_9_condition="9(2)(b)",
        schedule_1_condition=(
            "DPA 2018 Schedule 1 Part 1 paragraph 1 (employment, social security and social protection)"
        ),
    ),
)
