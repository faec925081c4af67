"""Records of processing and processors (issue 17), under /data-protection/, for the current
partner's DPO (``privacy.records``).

- Records: the partner's records of processing, refreshed from the apps' declarations with one
  button (new ones added, edited ones flagged, withdrawn ones marked), each editable; the list
  downloads as CSV or XLSX in the ICO's controller columns.
- Processors: who processes the partner's data, where, on what transfer mechanism, approved for
  what; an overdue review is highlighted; approval is on the engagement's page; CSV download.
- A processor's users, on the engagement's page: the users of the partner who work for the
  processor (current, then ended), linking one by username and ending a link.

Downloads go through web/exports.py (core.tabular), which neutralises spreadsheet formulas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.privacy import processors, records
from joinedup.privacy.models import ProcessingRecord
from joinedup.privacy.transfers import country_name
from joinedup.web.current import partner_page
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, attempt, submit

PERMISSION = records.PERMISSION
LABELS = {
    "record_type": "Record type",
    "purpose": "Purpose of processing",
    "data_categories": "Categories of personal data (one a line)",
    "data_subjects": "Categories of individuals (one a line)",
    "special_categories": "Special categories of data (one a line)",
    "lawful_basis": "Article 6 lawful basis",
    "article_9_condition": "Article 9 condition",
    "schedule_1_condition": "DPA 2018 Schedule 1 condition",
    "recipients": "Categories of recipients (one a line)",
    "retention": "Retention schedule",
    "security_measures": "Technical and organisational security measures (one a line)",
}


class RecordForm(GovukForm):
    def __init__(self, data: Any, record: ProcessingRecord) -> None:
        super().__init__(data, initial={name: getattr(record, name) for name in records.EDITABLE})
        for name in records.EDITABLE:
            self.fields[name] = forms.CharField(
                label=LABELS[name], required=False, widget=forms.Textarea, max_length=4000, strip=True
            )


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    # The refresh button names itself: a POST without it (a stray or forged one) changes nothing.
    if request.method == "POST" and request.POST.get("form") == "refresh":
        result = attempt(request, lambda: records.records_generate(actor=request.user, partner=partner))
        if result is not None:
            messages.success(
                request,
                f"Records refreshed: {len(result.added)} added, {len(result.refreshed)} refreshed, "
                f"{len(result.changed_under_edit)} edited with a changed declaration, "
                f"{len(result.withdrawn)} withdrawn.",
            )
        return redirect("web:privacy_records")
    if request.method == "POST":
        return redirect("web:privacy_records")
    return render(
        request,
        "web/privacy/records.html",
        {"partner": partner, "records": list(records.records_for(request.user, partner=partner))},
    )


@login_required
def record_export(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    rows = records.export_rows(request.user, partner=partner)
    return export_response(fmt, records.ICO_CONTROLLER_COLUMNS, rows, f"records-of-processing-{partner.code}")


@login_required
def record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    # Another partner's record is not found: it is looked for among the current partner's.
    record = records.record_for(request.user, partner=partner, record_id=record_id)
    form = RecordForm(request.POST if request.method == "POST" else None, record)
    if form.is_bound and form.is_valid():
        changes = {k: v.replace("\r\n", "\n") for k, v in form.cleaned_data.items()}
        saved = submit(form, lambda: records.record_edit(actor=request.user, record=record, changes=changes))
        if saved is not None:
            messages.success(request, f"{saved.record_type}: saved.")
            return redirect("web:privacy_record", record_id=saved.pk)
    return render(request, "web/privacy/record.html", {"partner": partner, "record": record, "form": form})


@login_required
def processor_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    today = timezone.localdate()
    engagements = [
        (
            e,
            country_name(e.processor.country) or e.processor.country,
            processors.review_overdue(e, today=today),
        )
        for e in processors.engagements_for(request.user, partner=partner)
    ]
    return render(request, "web/privacy/processors.html", {"partner": partner, "engagements": engagements})


@login_required
def processor_export(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    rows = processors.export_rows(request.user, partner=partner, today=timezone.localdate())
    return export_response("csv", processors.EXPORT_COLUMNS, rows, f"processors-{partner.code}")


@login_required
def engagement_page(request: HttpRequest, engagement_id: int) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    if request.method == "POST":
        keys = tuple(request.POST.getlist("record_keys"))
        countries = tuple(c.strip() for c in request.POST.get("countries", "").split(",") if c.strip())
        approved = attempt(
            request,
            lambda: processors.engagement_approve(
                actor=request.user, engagement=engagement, record_keys=keys, countries=countries
            ),
        )
        if approved is not None:
            messages.success(request, f"{engagement.processor.name} approved.")
        return redirect("web:privacy_engagement", engagement_id=engagement.pk)
    return render(
        request,
        "web/privacy/engagement.html",
        {
            "partner": partner,
            "engagement": engagement,
            "country": country_name(engagement.processor.country) or engagement.processor.country,
            "overdue": processors.review_overdue(engagement, today=timezone.localdate()),
            "users": list(
                processors.processor_users_for(request.user, partner=partner, engagement=engagement)
            ),
        },
    )


@login_required
@require_POST
def processor_user_add(request: HttpRequest, engagement_id: int) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    username = request.POST.get("username", "")[:150]

    def link() -> Any:
        user = processors.linkable_user(request.user, partner=partner, username=username)
        return processors.processor_user_link(
            actor=request.user, partner=partner, processor=engagement.processor, user=user
        )

    linked = attempt(request, link)
    if linked is not None:
        messages.success(request, f"{linked.user.username} now works for {engagement.processor.name}.")
    return redirect("web:privacy_engagement", engagement_id=engagement.pk)


@login_required
@require_POST
def processor_user_remove(request: HttpRequest, engagement_id: int, processor_user_id: int) -> HttpResponse:
    partner = partner_page(request, PERMISSION)
    engagement = processors.engagement_for(request.user, partner=partner, engagement_id=engagement_id)
    link = processors.processor_user_for(
        request.user, partner=partner, engagement=engagement, link_id=processor_user_id
    )
    ended = attempt(
        request, lambda: processors.processor_user_end(actor=request.user, partner=partner, link=link)
    )
    if ended is not None:
        messages.success(request, f"{link.user.username} no longer works for {engagement.processor.name}.")
    return redirect("web:privacy_engagement", engagement_id=engagement.pk)
