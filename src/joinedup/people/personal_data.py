"""The personal data people holds (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

_SECURITY = (
    "Partner-scoped access by role, enforced twice (guarded queries and PostgreSQL row-level security)",
    "Second factor for administrators",
    "Every change in the partner's hash-chained audit log",
    "Encrypted in transit (TLS) and backups encrypted at rest",
)
_EMPLOYMENT_RECORD = Retention(
    period="6 years after the employment ends",
    source=(
        "Limitation Act 1980 s.5 (claims in contract: six years); CIPD guidance on retention of HR records"
    ),
)

DECLARATIONS = (
    Declaration(
        key="people.hr_record",
        record_type="HR record: the person, their employments, terms, posts and cost splits",
        models=(
            "people.Person",
            "people.Employment",
            "people.EmploymentTerms",
            "people.PostHolding",
            "people.CostSplit",
            "people.Secondment",
            "people.TupeTransferItem",
        ),
        evidence="people.Employment",
        data_categories=(
            "name",
            "date of birth",
            "National Insurance number",
            "contact details (email, phone, address)",
            "emergency contact",
            "job title, post and grade",
            "contractual terms and pay point",
            "tax code and student loan plans",
            "pension scheme",
        ),
        data_subjects=("employees", "former employees", "employees' emergency contacts"),
        purpose="Employing staff: contracts, terms, structure, transfers (TUPE) and secondments",
        lawful_basis="6(1)(b)",
        recipients=(
            "HM Revenue & Customs",
            "pension scheme administrators",
            "the receiving employer on a TUPE transfer",
        ),
        retention=_EMPLOYMENT_RECORD,
        security_measures=_SECURITY,
    ),
    Declaration(
        key="people.bank_details",
        record_type="Employees' bank details and their verified changes",
        models=("people.Person", "people.BankDetailsChange"),
        evidence="people.Employment",
        data_categories=("bank sort code", "bank account number", "account name"),
        data_subjects=("employees",),
        purpose="Paying salaries; a change is verified by a second person before it is used",
        lawful_basis="6(1)(b)",
        recipients=("the partner's bank (BACS)",),
        retention=_EMPLOYMENT_RECORD,
        security_measures=(*_SECURITY, "Two-person verification of every change"),
    ),
    Declaration(
        key="people.absence",
        record_type="Absence and sickness records, with fit notes",
        models=("people.Absence",),
        evidence="people.Absence",
        data_categories=("absence dates and kind", "sickness absence", "fit note dates", "notes"),
        data_subjects=("employees",),
        purpose="Managing attendance and paying statutory and occupational sick pay",
        lawful_basis="6(1)(c)",
        recipients=("HM Revenue & Customs (statutory payments)",),
        retention=Retention(
            period=(
                "3 years after the end of the tax year (statutory payments); 6 years after the "
                "employment ends"
            ),
            source="Statutory Sick Pay (General) Regulations 1982 reg 13A; Limitation Act 1980 s.5",
        ),
        security_measures=_SECURITY,
        special_categories=("health",),
        article_9_condition="9(2)(b)",
        schedule_1_condition=(
            "DPA 2018 Schedule 1 Part 1 paragraph 1 (employment, social security and social protection)"
        ),
    ),
    Declaration(
        key="people.equality_monitoring",
        record_type="Protected characteristics for equality monitoring",
        models=("people.ProtectedCharacteristics",),
        evidence="people.ProtectedCharacteristics",
        data_categories=("sex", "ethnicity", "disability"),
        data_subjects=("employees",),
        purpose="Equality monitoring and the public sector equality duty (Equality Act 2010 s.149)",
        lawful_basis="6(1)(e)",
        recipients=("none outside the partner; reported only as suppressed counts",),
        retention=_EMPLOYMENT_RECORD,
        security_measures=(*_SECURITY, "Readable only with people.view_special_category"),
        special_categories=("racial or ethnic origin", "health"),
        article_9_condition="9(2)(g)",
        schedule_1_condition="DPA 2018 Schedule 1 Part 2 paragraph 8 (equality of opportunity or treatment)",
    ),
)
