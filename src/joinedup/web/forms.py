"""The GOV.UK form toolkit every web page uses: fields with a label, a hint and errors that say
what to do, forms shown in titled groups, and one way to call a service from a form or a button
and show what it refused.

A service raises ``ValidationError`` for a rule its input breaks; ``submit`` puts those errors
beside the form's fields (or in the error summary) and ``attempt`` shows them as a message on the
page the user is sent back to. Neither decides anything: the rules stay the services'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

T = TypeVar("T")

DATE_EXAMPLE = "2026-04-01"


def words_for(label: str) -> str:
    """The words an error message uses for a field: 'Start date (optional)' is 'start date',
    but 'National Insurance number' and 'FTE' keep their capitals."""
    text = label.removesuffix(" (optional)")
    words = text.split()
    keep = text.isupper() or (len(words) > 1 and words[1][:1].isupper())
    return text if keep else text[0].lower() + text[1:]


def date_field(label: str, *, required: bool = True, hint: str = "", what: str = "") -> forms.DateField:
    """A date typed as YYYY-MM-DD, and only that: 01/04/2026 is ambiguous."""
    what = what or words_for(label)
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint or f"For example, {DATE_EXAMPLE}",
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter the {what} as a date, year first, like {DATE_EXAMPLE}.",
        },
    )


def text_field(
    label: str, *, max_length: int, required: bool = True, hint: str = "", what: str = "", **kwargs: Any
) -> forms.CharField:
    """Text, stripped of surrounding spaces; what it must look like is the service's rule."""
    what = what or words_for(label)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        error_messages={
            "required": f"Enter the {what}.",
            "max_length": f"The {what} must be {max_length} characters or fewer.",
        },
        **kwargs,
    )


def notes_field(label: str, *, hint: str = "", max_length: int = 2000) -> forms.CharField:
    return text_field(label, max_length=max_length, required=False, hint=hint, widget=forms.Textarea)


def number_field(
    label: str,
    *,
    max_digits: int,
    places: int,
    example: str,
    required: bool = True,
    hint: str = "",
    what: str = "",
    min_value: int | None = None,
    max_value: int | None = None,
) -> forms.DecimalField:
    what = what or words_for(label)
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=places,
        required=required,
        help_text=hint,
        min_value=min_value,
        max_value=max_value,
        error_messages={
            "required": f"Enter the {what}.",
            "invalid": f"Enter the {what} as a number, like {example}.",
            "max_digits": f"The {what} has too many digits.",
            "max_whole_digits": f"The {what} is too large.",
            "max_decimal_places": f"The {what} can have at most {places} decimal places.",
            "min_value": f"The {what} must be %(limit_value)s or more.",
            "max_value": f"The {what} must be %(limit_value)s or less.",
        },
    )


def choice_field(label: str, choices: Any, *, hint: str = "", what: str = "") -> forms.ChoiceField:
    what = what or words_for(label)
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=hint,
        error_messages={
            "required": f"Choose the {what}.",
            "invalid_choice": f"Choose the {what} from the list.",
        },
    )


class ModelChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of model rows, each labelled by ``labeller(row)`` when given, else by ``str(row)``."""

    def __init__(
        self,
        queryset: Any,
        *,
        label: str,
        required: bool = True,
        empty: str = "",
        labeller: Any = None,
        **kw: Any,
    ) -> None:
        what = words_for(label)
        self.labeller = labeller
        super().__init__(
            queryset,
            label=label,
            required=required,
            empty_label=empty or ("None" if not required else f"Choose the {what}"),
            error_messages={
                "required": f"Choose the {what}.",
                "invalid_choice": f"Choose the {what} from the list.",
            },
            **kw,
        )

    def label_from_instance(self, obj: Any) -> str:
        return str(self.labeller(obj)) if self.labeller else str(obj)


class GovukForm(forms.Form):
    """A form whose fields are shown in titled groups (``sections``: legend, field names)."""

    sections: ClassVar[list[tuple[str, list[str]]]] = []

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.sections]


def bound(form_class: type[forms.Form], request: HttpRequest, **kwargs: Any) -> Any:
    """The form bound to the POST (even an empty one, so that it reports what is missing)."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's errors beside the fields they name; the rest in the form's error summary."""
    if not hasattr(exc, "error_dict"):  # a refusal of the whole request, naming no field
        form.add_error(None, exc.messages)
        return
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def submit(
    form: forms.BaseForm,
    call: Callable[[], T],
    *,
    place: Callable[[ValidationError], None] | None = None,
) -> T | None:
    """What ``call`` (one service call) returns, or None when the service refuses the input,
    with its errors put on the form (or where ``place`` puts them, for a form with rows) for
    the page to show again with its error summary."""
    try:
        return call()
    except ValidationError as exc:
        (place or (lambda e: add_errors(form, e)))(exc)
        return None


def attempt(request: HttpRequest, call: Callable[[], T], *, denied: bool = False) -> T | None:
    """What ``call`` returns, or None when the service refuses, with its reason shown as an
    error message on the page the user goes back to (for buttons, which have no form to mark).
    With ``denied``, a refusal for want of a permission is shown the same way rather than 403."""
    try:
        return call()
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    except PermissionDenied as exc:
        if not denied:
            raise
        messages.error(request, str(exc))
    return None


def outcome(call: Callable[[], T], *, denied: bool = False) -> tuple[T | None, str]:
    """What ``call`` returns and "", or None and the service's reason for refusing, for a page
    that shows the reason itself (a confirmation page, a report for a month that is not there).
    With ``denied``, a refusal for want of a permission is such a reason too, rather than 403."""
    try:
        return call(), ""
    except ValidationError as exc:
        return None, refusal(exc)
    except PermissionDenied as exc:
        if not denied:
            raise
        return None, refusal(exc)


def refusal(exc: ValidationError | PermissionDenied | ValueError) -> str:
    """A refusal as one sentence or more for a page to show."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# Uploads of CSV or XLSX to an import: refused above this size before any row is read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Choose a CSV or Excel (XLSX) file to upload.",
            "empty": "The selected file is empty.",
            "invalid": "Choose a CSV or Excel (XLSX) file to upload.",
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return upload
