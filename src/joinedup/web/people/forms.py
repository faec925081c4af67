"""The forms of the people pages, built from the GOV.UK toolkit in web/forms.py; what a value
must be beyond its shape is the people services' rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.partnership.models import Partner
from joinedup.people import imports
from joinedup.people.models import (
    AbsenceKind,
    ContractType,
    Employment,
    PayFrequency,
    PayPoint,
    PensionScheme,
    Post,
    TermsScheme,
)
from joinedup.web.forms import (
    GovukForm,
    ModelChoice,
    choice_field,
    date_field,
    notes_field,
    number_field,
    text_field,
)


class TermsChangeForm(GovukForm):
    effective_from = date_field("Takes effect on", what="date the change takes effect")
    pay_point = ModelChoice(PayPoint.objects.none(), label="Pay point")
    fte = number_field(
        "FTE", max_digits=5, places=4, example="0.6", min_value=0, max_value=1, hint="From 0 to 1, like 0.6"
    )
    weekly_hours = number_field("Weekly hours", max_digits=5, places=2, example="37", min_value=0)
    pension_scheme = choice_field("Pension scheme", PensionScheme.choices)
    reason = text_field("Reason", max_length=200, what="reason for the change")
    override_reason = text_field(
        "Reason for overriding protected terms (only if they worsen)", max_length=500, required=False
    )

    def __init__(self, *args: Any, scheme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = PayPoint.objects.filter(scheme_id=scheme_id).order_by("sort")
        self.fields["pay_point"].queryset = points  # type: ignore[attr-defined]


class LeaveRequestForm(GovukForm):
    kind = choice_field(
        "Kind",
        [
            ("", "Choose the kind of leave"),
            *((k, v) for k, v in AbsenceKind.choices if k != AbsenceKind.SICKNESS),
        ],
        what="kind of leave",
    )
    start_date = date_field("Start date", what="first day of leave")
    end_date = date_field("End date", what="last day of leave")
    notes = notes_field("Notes (optional)")


class HireForm(GovukForm):
    sections = [
        ("The person", ["given_name", "family_name", "date_of_birth", "ni_number", "postcode"]),
        ("Bank account for their pay", ["bank_sort_code", "bank_account_number"]),
        (
            "The employment",
            ["payroll_number", "start_date", "continuous_service_date", "contract_type", "post"],
        ),
        (
            "Pay, pension and tax",
            [
                "scheme",
                "pay_point",
                "fte",
                "weekly_hours",
                "pay_frequency",
                "pension_scheme",
                "tax_code",
                "ni_category",
                "student_loan_plans",
            ],
        ),
    ]

    given_name = text_field("Given name", max_length=100)
    family_name = text_field("Family name", max_length=100)
    date_of_birth = date_field("Date of birth", hint="For example, 1988-02-29")
    ni_number = text_field("National Insurance number", max_length=20, hint="For example, QQ 12 34 56 C")
    postcode = text_field("Postcode (optional)", max_length=10, required=False)
    bank_sort_code = text_field(
        "Sort code (optional)", max_length=10, required=False, hint="6 digits, like 20-00-00"
    )
    bank_account_number = text_field(
        "Account number (optional)", max_length=12, required=False, hint="6 to 8 digits"
    )
    payroll_number = text_field("Payroll number", max_length=20, hint="For example, WCC001234")
    start_date = date_field("Start date")
    continuous_service_date = date_field(
        "Continuous service from (optional)",
        required=False,
        hint="Only if it is earlier than the start date (service with another public body, say)",
        what="continuous service date",
    )
    contract_type = choice_field("Contract type", ContractType.choices)
    scheme = ModelChoice(TermsScheme.objects.order_by("name"), label="Terms and conditions")
    pay_point = ModelChoice(
        PayPoint.objects.select_related("scheme").order_by("scheme__name", "sort"),
        label="Pay point",
        labeller=lambda p: f"{p.scheme.name} / {p.code}",
    )
    fte = number_field(
        "FTE", max_digits=5, places=4, example="0.5", hint="1 for full time, 0.5 for half time"
    )
    weekly_hours = number_field("Weekly hours", max_digits=5, places=2, example="37")
    pay_frequency = choice_field("Paid", PayFrequency.choices, what="pay frequency")
    pension_scheme = choice_field("Pension scheme", PensionScheme.choices)
    tax_code = text_field("Tax code", max_length=10, hint="From their P45 or starter checklist, like 1257L")
    ni_category = text_field("National Insurance category letter", max_length=2, hint="Usually A")
    student_loan_plans = text_field(
        "Student loan plans (optional)", max_length=20, required=False, hint="Separated by ;, like 2;PG"
    )

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "contract_type": ContractType.PERMANENT,
                "pay_frequency": PayFrequency.MONTHLY,
                "tax_code": "1257L",
                "ni_category": "A",
                "fte": "1",
            },
        )
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["post"] = ModelChoice(
            posts.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).order_by("code"),
            label="Post (optional)",
            required=False,
            empty="No post",
        )


class EndEmploymentForm(GovukForm):
    end_date = date_field("Last day of employment")
    reason = text_field(
        "Reason for leaving", max_length=200, hint="For example, resignation, retirement, end of fixed term"
    )


class SicknessForm(GovukForm):
    start_date = date_field("First day of sickness")
    end_date = date_field(
        "Last day of sickness", hint="If they are still off, the day they expect to return to work"
    )
    fit_note_from = date_field("Fit note from (optional)", required=False, what="first day of the fit note")
    fit_note_to = date_field("Fit note to (optional)", required=False, what="last day of the fit note")
    notes = notes_field("Notes (optional)", hint="Only what HR needs. Notes are kept out of the audit trail.")


COST_SHARE_ROWS = 4


class CostSplitForm(GovukForm):
    effective_from = date_field("Shared from", what="date the sharing starts")
    effective_to = date_field(
        "Shared until (optional)",
        required=False,
        hint="The last day; leave blank if there is no end date yet",
        what="last day of the sharing",
    )
    reason = text_field(
        "Reason", max_length=200, hint="For example, joint chief executive agreed by both cabinets"
    )
    # Where the service's errors about the shares as a whole go (it answers on "shares").
    shares = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, COST_SHARE_ROWS + 1):
            self.fields[f"partner_{n}"] = ModelChoice(
                partners, label=f"Partner {n}", required=False, empty="None"
            )
            self.fields[f"percent_{n}"] = number_field(
                f"Share {n} (%)",
                max_digits=6,
                places=3,
                example="50",
                required=False,
                what=f"percentage for share {n}",
            )

    def share_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"partner_{n}"], self[f"percent_{n}"]) for n in range(1, COST_SHARE_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shares: list[tuple[Partner, Decimal]] = []
        for n in range(1, COST_SHARE_ROWS + 1):
            partner, percent = data.get(f"partner_{n}"), data.get(f"percent_{n}")
            if partner is not None and percent is None and f"percent_{n}" not in self.errors:
                self.add_error(f"percent_{n}", f"Enter {partner.name}'s share.")
            elif partner is None and percent is not None and f"partner_{n}" not in self.errors:
                self.add_error(f"partner_{n}", f"Choose the partner that pays share {n}.")
            elif partner is not None and percent is not None:
                shares.append((partner, percent))
        data["shares"] = shares
        return data


class SecondmentForm(GovukForm):
    role_title = text_field("Role at the host", max_length=200, hint="For example, Interim head of finance")
    start_date = date_field("First day of the secondment")
    end_date = date_field("Last day of the secondment")
    recharge_percent = number_field(
        "Recharge (%)",
        max_digits=6,
        places=3,
        example="100",
        hint="The share of their cost the host pays back: 100 for all of it",
        what="recharge percentage",
    )

    def __init__(self, *args: Any, hosts: QuerySet[Partner], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"recharge_percent": "100"})
        super().__init__(*args, **kwargs)
        self.fields["host_partner"] = ModelChoice(hosts, label="Host partner")
        self.order_fields(["host_partner"])


class TransferForm(GovukForm):
    transfer_date = date_field("Transfer date", hint="The first day with the new employer, like 2026-10-01")
    reference = text_field("Reference", max_length=100, hint="For example, TUPE-2026-01")
    measures = notes_field("Measures envisaged (optional)", hint="As consulted on with the staff and unions")
    all_matching = forms.BooleanField(required=False)

    def __init__(
        self, *args: Any, destinations: QuerySet[Partner], candidates: QuerySet[Employment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_partner"] = ModelChoice(destinations, label="New employer")
        self.fields["employments"] = forms.ModelMultipleChoiceField(
            candidates,
            required=False,
            error_messages={
                "invalid_choice": "Employment %(value)s is not one of this partner's current employments.",
                "invalid_pk_value": "Choose the employments from the list.",
            },
        )
        self.order_fields(["to_partner"])

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [("The transfer", [self[n] for n in ("to_partner", "transfer_date", "reference", "measures")])]


IMPORT_KINDS = {
    "employments": ("Employments: new starters, with their personal details", imports.EMPLOYMENT_COLUMNS),
    "posts": ("Posts: the establishment", imports.POST_COLUMNS),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind, label) for kind, (label, _) in IMPORT_KINDS.items()],
        error_messages={
            "required": "Choose what the file holds.",
            "invalid_choice": "Choose what the file holds.",
        },
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose a CSV or Excel (XLSX) file to upload.",
            "empty": "The selected file is empty.",
            "invalid": "Choose a CSV or Excel (XLSX) file to upload.",
        }
    )
    dry_run = forms.BooleanField(required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from exc
        return upload


class PeopleSearchForm(GovukForm):
    q = text_field(
        "Name, National Insurance number, payroll number or post title", max_length=100, required=False
    )

    def clean_q(self) -> str:
        from joinedup.people.selectors import MIN_SEARCH_LENGTH

        q: str = " ".join(self.cleaned_data["q"].split())
        if q and len(q) < MIN_SEARCH_LENGTH:
            raise ValidationError(
                f"Enter at least {MIN_SEARCH_LENGTH} characters to search: one letter would match "
                "too many people to be useful."
            )
        return q
