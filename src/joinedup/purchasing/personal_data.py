"""The personal data purchasing holds (issue 17: read by privacy's records of processing).

Suppliers are organisations, but a sole trader's name, address and bank account are a person's,
and every supplier's contacts are people."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="purchasing.suppliers",
        record_type="Supplier file: contacts, addresses, bank details (sole traders' are personal data)",
        models=(
            "purchasing.Supplier",
            "purchasing.SupplierAddress",
            "purchasing.SupplierContact",
            "purchasing.SupplierBankDetails",
            "purchasing.BankDetailChange",
            "purchasing.Payment",
        ),
        evidence="purchasing.SupplierPartner",
        data_categories=(
            "contact names, email addresses and phone numbers",
            "sole traders' names and addresses",
            "sole traders' bank sort codes and account numbers",
            "payments made",
        ),
        data_subjects=("suppliers' contacts", "sole traders"),
        purpose="Buying goods and services and paying suppliers",
        lawful_basis="6(1)(b)",
        recipients=("the partner's bank (BACS)", "HM Revenue & Customs (Construction Industry Scheme, VAT)"),
        retention=Retention(
            period="6 years after the end of the financial year of the last transaction",
            source="Limitation Act 1980 s.5; VAT Act 1994 Schedule 11 paragraph 6 (six years)",
        ),
        security_measures=(
            "Bank detail changes verified by call-back before use",
            "Access by role; every change in the audit log",
        ),
    ),
    Declaration(
        key="purchasing.delegations",
        record_type="Staff's financial delegation limits",
        models=("purchasing.DelegationLimit",),
        evidence="purchasing.DelegationLimit",
        data_categories=("name and user account", "the amount they may commit"),
        data_subjects=("staff who buy or approve spending",),
        purpose="Financial control: who may commit the partner's money, up to what amount",
        lawful_basis="6(1)(e)",
        recipients=("the partner's internal and external auditors",),
        retention=Retention(
            period="6 years after the delegation ends",
            source=(
                "Accounts and Audit Regulations 2015 (the audit trail of approvals); Limitation Act 1980 s.5"
            ),
        ),
        security_measures=("Access by role; every change in the audit log",),
    ),
)
