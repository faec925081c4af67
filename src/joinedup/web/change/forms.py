"""Forms of the workforce-change pages. They parse and say what is missing; the rules (who may,
what a structure may change) are the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from joinedup.change.models import ProgrammeStatus, TransferKind, TransferPlanStatus, VrEligibility
from joinedup.change.redundancy import enhanced_schemes
from joinedup.core.dates import people_date
from joinedup.people.models import Employment, PayPoint, TermsScheme
from joinedup.web.forms import (
    DATE_EXAMPLE,
    GovukForm,
    ModelChoice,
    choice_field,
    date_field,
    notes_field,
    number_field,
    text_field,
)


class ProgrammeForm(GovukForm):
    name = text_field("Name", max_length=200, hint="For example, One HR and payroll service")
    start_date = date_field("Start date")
    end_date = date_field("End date (optional)", required=False)
    description = notes_field("Description (optional)", max_length=5000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date.")
        return data


class MilestoneForm(GovukForm):
    name = text_field("Milestone", max_length=200, hint="For example, Consultation opens")
    due = date_field("Due")


class StructureForm(GovukForm):
    name = text_field("Structure name", max_length=200, hint="For example, Shared HR team")
    effective_date = date_field("Takes effect on")


class DeletePostForm(GovukForm):
    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"] = ModelChoice(
            posts, label="Post to delete", labeller=lambda p: f"{p.partner.code} {p.code} {p.title}"
        )
        self.fields["note"] = text_field("Reason (optional)", max_length=300, required=False)


class ChangePostForm(GovukForm):
    """New values for an existing post in the structure (``posts``: those the user may change;
    ``units``: the units of the partners where they manage change). A field left empty keeps the
    post as it is; the service refuses a proposal that changes nothing."""

    title = text_field("New title (optional)", max_length=200, required=False, what="post's title")
    budgeted_fte = number_field(
        "New budgeted FTE (optional)",
        max_digits=8,
        places=4,
        example="0.8",
        min_value=0,
        required=False,
        what="budgeted FTE",
        hint="The post's hours as full-time equivalents, for example 0.8 for 30 hours of 37.5",
    )
    cost_centre = text_field("New cost centre (optional)", max_length=30, required=False, what="cost centre")
    location = text_field(
        "New location (optional)",
        max_length=100,
        required=False,
        what="location",
        hint="Where the post is worked from, for example Winchester",
    )
    note = text_field("Reason (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, posts: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = PayPoint.objects.select_related("scheme").order_by("scheme__code", "sort")
        as_now = "As now"
        self.fields = {
            "post": ModelChoice(
                posts, label="Post to change", labeller=lambda p: f"{p.partner.code} {p.code} {p.title}"
            ),
            "title": self.fields["title"],
            "org_unit": ModelChoice(
                units,
                label="New unit (optional)",
                required=False,
                empty=as_now,
                labeller=lambda u: f"{u.partner.code} {u.code} {u.name}",
            ),
            "scheme": ModelChoice(
                TermsScheme.objects.order_by("name"),
                label="New terms scheme (optional)",
                required=False,
                empty=as_now,
            ),
            "grade_min": ModelChoice(
                points,
                label="New bottom of the grade (optional)",
                required=False,
                empty=as_now,
                labeller=lambda p: f"{p.scheme.code} {p.code}",
            ),
            "grade_max": ModelChoice(
                points,
                label="New top of the grade (optional)",
                required=False,
                empty=as_now,
                labeller=lambda p: f"{p.scheme.code} {p.code}",
            ),
            **{name: self.fields[name] for name in ("budgeted_fte", "cost_centre", "location", "note")},
        }


class ApplyForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have checked the changes and want to make them to the establishment",
        error_messages={"required": "Confirm that you want to make these changes."},
    )


class VrInterestForm(GovukForm):
    leaving_date = date_field("Leaving date you would like")


class VrDecisionForm(GovukForm):
    decision = choice_field(
        "Decision", [("accepted", "Accept"), ("declined", "Decline"), ("deferred", "Defer")]
    )
    reason = text_field("Reason", max_length=500)


class VrWindowForm(GovukForm):
    opens = date_field("Opens on")
    closes = date_field("Closes on")
    eligibility = choice_field(
        "Who may express interest",
        VrEligibility.choices,
    )
    scheme = forms.ChoiceField(label="Enhanced scheme", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schemes = enhanced_schemes()
        field = cast(forms.ChoiceField, self.fields["scheme"])
        field.choices = [("", "Statutory only")] + [(k, s.name) for k, s in schemes.items()]


class VrFactsForm(GovukForm):
    """What the quote needs that the people records do not hold."""

    contractual_notice_weeks = number_field(
        "Contractual notice in weeks (optional)",
        max_digits=5,
        places=2,
        example="12",
        required=False,
        hint="From the contract. Left empty, the quote uses statutory notice and says so.",
        min_value=0,
    )
    pension_fund = text_field(
        "Pension fund (optional)", max_length=100, required=False, hint="For example, Wessex Pension Fund"
    )
    annual_pension = number_field(
        "Pension a year brought into payment (optional)",
        max_digits=10,
        places=2,
        example="8450.00",
        required=False,
        hint="The fund's estimate, for a member aged 55 or over.",
        min_value=0,
    )
    pension_source = text_field("The fund's estimate it is from (optional)", max_length=200, required=False)


class TransferPlanForm(GovukForm):
    """A transfer or secondment plan (change.models.TransferPlan); ``partners``: those involved in
    the programme, one of which receives the staff."""

    name = text_field("Plan name", max_length=200, hint="For example, HR team to the shared service")
    kind = choice_field("Transfer or secondment", TransferKind.choices, what="kind of plan")
    transfer_date = date_field(
        "Transfer or secondment date",
        what="date",
        hint=f"The first day at the receiving body, like {DATE_EXAMPLE}",
    )
    secondment_end = date_field(
        "Secondment ends (optional)",
        required=False,
        what="date the secondment ends",
        hint="A secondment only: its last day. A TUPE transfer is for good.",
    )
    recharge_percent = number_field(
        "Recharged to the receiving body (optional)",
        max_digits=6,
        places=3,
        example="60",
        required=False,
        what="recharge",
        hint="A secondment only: the percentage of the cost the host pays back. Left empty, 100.",
        min_value=0,
        max_value=100,
    )
    measures = notes_field(
        "Measures envisaged (optional)",
        max_length=5000,
        hint="What the receiving body plans to change, for the measures letter (TUPE reg. 13(2)(d)).",
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_partner"] = ModelChoice(
            partners, label="Receiving body", labeller=lambda p: p.name
        )
        self.order_fields(["name", "kind", "receiving_partner"])


class TransferMemberForm(GovukForm):
    """One person in the programme's scope to put on a plan's staff list."""

    def __init__(self, *args: Any, employments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [e.pk for e in employments]
        self.fields["employment"] = ModelChoice(
            Employment.objects.for_partners(sorted({e.partner_id for e in employments}))
            .filter(pk__in=ids)
            .select_related("partner", "person")
            .order_by("partner__name", "person__family_name", "payroll_number"),
            label="Person in the programme's scope",
            labeller=lambda e: f"{e.partner.name}: {e.person.full_name} ({e.payroll_number})",
        )


class VrDelegationForm(GovukForm):
    """A line of the partner's scheme of delegation for voluntary redundancy; ``users``: those
    who manage workforce change at the partner."""

    title = text_field("Post delegated to", max_length=100, hint="For example, Head of HR")
    up_to = number_field(
        "Accepts exits costing up to, in pounds (optional)",
        max_digits=12,
        places=2,
        example="50000",
        required=False,
        what="limit",
        hint="The most one exit may cost the employer: redundancy pay, notice, holiday pay and pension "
        "strain together. Left empty, no limit.",
        min_value=0,
    )
    source = text_field(
        "Where the scheme of delegation says so",
        max_length=200,
        what="paragraph of the scheme of delegation",
        hint="For example, Constitution part 3, paragraph 4.2",
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = ModelChoice(
            users,
            label="Officer",
            labeller=lambda u: f"{u.get_full_name() or u.get_username()} ({u.get_username()})",
        )
        self.order_fields(["user", "title", "up_to", "source"])


class ProgrammeStatusForm(GovukForm):
    """Moving the programme on (or back a step), and its end date."""

    status = choice_field("Status", ProgrammeStatus.choices)
    end_date = date_field("End date (optional)", required=False)


class MilestoneDoneForm(GovukForm):
    """A milestone reached, and when; ``milestones``: those not yet done."""

    done_on = date_field("Done on")

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"] = ModelChoice(
            milestones, label="Milestone reached", labeller=lambda m: f"{m.name} (due {people_date(m.due)})"
        )
        self.order_fields(["milestone", "done_on"])


class TransferPlanUpdateForm(GovukForm):
    """A plan's status, date and measures, and the day the employee liability information was
    given (TUPE 2006 reg. 11)."""

    status = choice_field("Status", TransferPlanStatus.choices)
    transfer_date = date_field("Transfer or secondment date", what="date")
    eli_given_on = date_field(
        "Employee liability information given on (optional)",
        required=False,
        what="date the information was given",
        hint="The day the transferring employers gave it to the receiving body.",
    )
    measures = notes_field("Measures envisaged (optional)", max_length=5000)


class ScopeForm(GovukForm):
    """A unit (with its posts and the units beneath) or a single post, by its code, to bring into
    the scope; ``units`` and ``posts``: those of the involved partners on which the user manages
    change (a partner has thousands of posts: one is typed, not chosen from a list)."""

    post_code = text_field(
        "Single post's code (optional)",
        max_length=30,
        required=False,
        what="post's code",
        hint="For example, C-HRA",
    )

    def __init__(self, *args: Any, units: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.posts = posts
        self.fields["org_unit"] = ModelChoice(
            units,
            label="Organisational unit (optional)",
            required=False,
            empty="None",
            labeller=lambda u: f"{u.partner.name}: {u.code} {u.name}",
        )
        self.order_fields(["org_unit", "post_code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["post"] = None
        code = data.get("post_code", "")
        if code:
            found = list(self.posts.filter(code=code)[:2])
            if not found:
                self.add_error(
                    "post_code", f"None of your partners in the programme has a current post {code}."
                )
            elif len(found) > 1:
                self.add_error("post_code", f"More than one partner has a post {code}: add its unit instead.")
            else:
                data["post"] = found[0]
        if not self.errors and not data.get("org_unit") and not data["post"]:
            self.add_error("org_unit", "Choose a unit or a post to add to the scope.")
        return data


class InvolveForm(GovukForm):
    """Another partner to bring into the programme; ``partners``: those not involved yet on which
    the user manages change (each partner agrees for itself)."""

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = ModelChoice(partners, label="Partner to involve", labeller=lambda p: p.name)


class PoolForm(GovukForm):
    name = text_field("Pool name", max_length=200, hint="For example, HR advisers")
    criteria = notes_field("Selection criteria (optional)", hint="As consulted on", max_length=5000)


class PoolAssignForm(GovukForm):
    """Put a person at risk (``people``: those the user manages) in one of the structure's pools."""

    def __init__(self, *args: Any, people: Any, pools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at_risk"] = ModelChoice(
            people,
            label="Person at risk",
            labeller=lambda r: f"{r.employment.person.full_name} ({r.employment.payroll_number})",
        )
        self.fields["pool"] = ModelChoice(pools, label="Selection pool", labeller=lambda p: p.name)


class RedeploymentProposeForm(GovukForm):
    """Offer a person at risk one of the vacancies that suit them (``vacancies``:
    change.selectors.redeployment_matches, whose posts may be another partner's)."""

    note = text_field("Note (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, vacancies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.posts = {str(v.post.pk): v.post for v in vacancies}
        self.fields = {
            "vacancy": choice_field(
                "Vacancy",
                [("", "Choose the vacancy")]
                + [(pk, f"{p.partner.code} {p.code} {p.title}") for pk, p in self.posts.items()],
            ),
            **self.fields,
        }

    def clean_vacancy(self) -> Any:
        return self.posts[self.cleaned_data["vacancy"]]


class TrialForm(GovukForm):
    """Start the trial period of a proposed redeployment (``offers``: those still proposed)."""

    start = date_field("Trial starts on", what="start of the trial")
    end = date_field(
        "Trial ends on",
        what="end of the trial",
        hint="Four weeks, unless agreed longer in writing for retraining",
    )

    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "redeployment": ModelChoice(
                offers,
                label="Offer",
                labeller=lambda r: f"{r.host_partner.code} {r.vacancy.code} {r.vacancy.title}",
            ),
            **self.fields,
        }


class TrialOutcomeForm(GovukForm):
    """Record how a trial went (``trials``: redeployments in their trial period)."""

    outcome = choice_field(
        "Outcome", [("successful", "Successful: redeployed"), ("unsuccessful", "Unsuccessful")]
    )
    note = text_field("Note (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, trials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "redeployment": ModelChoice(
                trials,
                label="Trial",
                labeller=lambda r: f"{r.host_partner.code} {r.vacancy.code} {r.vacancy.title}",
            ),
            **self.fields,
        }


class HostOutcomeForm(GovukForm):
    """How a trial in a post went, recorded on the redeployment's own page by its host or the
    employer."""

    outcome = choice_field(
        "Outcome of the trial",
        [("successful", "Successful: redeployed into the post"), ("unsuccessful", "Unsuccessful")],
    )
    note = text_field(
        "Reason (optional)",
        max_length=300,
        required=False,
        what="reason",
        hint="For an unsuccessful trial, why: the employer decides what follows (ERA 1996 s.138)",
    )


class RingFencedPostForm(GovukForm):
    """A new post proposed in the structure and ring-fenced to one of its pools (``units``: the
    units of the partners where the user manages change; the post is the unit's partner's)."""

    code = text_field("Post code", max_length=30, hint="For example, S-HRO")
    title = text_field("Title", max_length=200, what="post's title")
    budgeted_fte = number_field("Budgeted FTE", max_digits=6, places=4, example="1.0", min_value=0)
    cost_centre = text_field("Cost centre", max_length=30)
    location = text_field("Location (optional)", max_length=100, required=False)

    def __init__(self, *args: Any, units: Any, pools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = PayPoint.objects.select_related("scheme").order_by("scheme__code", "sort")
        self.fields = {
            "pool": ModelChoice(pools, label="Ring-fenced to pool", labeller=lambda p: p.name),
            **self.fields,
            "org_unit": ModelChoice(
                units, label="Unit", labeller=lambda u: f"{u.partner.code} {u.code} {u.name}"
            ),
            "scheme": ModelChoice(TermsScheme.objects.order_by("name"), label="Terms scheme"),
            "grade_min": ModelChoice(
                points, label="Bottom of the grade", labeller=lambda p: f"{p.scheme.code} {p.code}"
            ),
            "grade_max": ModelChoice(
                points, label="Top of the grade", labeller=lambda p: f"{p.scheme.code} {p.code}"
            ),
        }
