"""The personal data payroll holds (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="payroll.pay_records",
        record_type="Payroll records: payslips, pay items, year-to-date figures, P45s",
        models=(
            "payroll.PayItem",
            "payroll.StarterYtd",
            "payroll.Payslip",
            "payroll.PayslipLine",
            "payroll.VarianceFlag",
            "payroll.P45Issue",
            "payroll.TakeOnBalance",
            "payroll.TakeOnNi",
        ),
        evidence="payroll.Payslip",
        data_categories=(
            "pay, deductions and allowances",
            "tax, National Insurance and student loan deductions",
            "pension contributions",
            "year-to-date figures",
            "leaver's P45",
        ),
        data_subjects=("employees", "former employees"),
        purpose="Paying staff and accounting to HMRC under PAYE (Real Time Information)",
        lawful_basis="6(1)(c)",
        recipients=("HM Revenue & Customs", "pension scheme administrators", "the partner's bank (BACS)"),
        retention=Retention(
            period="3 years after the end of the tax year they relate to (at least)",
            source="Income Tax (PAYE) Regulations 2003 (SI 2003/2682) reg 97",
        ),
        security_measures=(
            (
                "Partner-scoped access by role, enforced twice (guarded queries and PostgreSQL "
                "row-level security)"
            ),
            "Pay runs approved by a second person with a second factor",
            "Every change in the partner's hash-chained audit log",
        ),
    ),
)
