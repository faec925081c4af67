"""A case's attachments, for clinicians of its partner: the list (names, types, sizes) with the
upload form, and each download.

Both pages read clinical content, so each GET is one ``CaseAccessEvent`` (part ``attachments``)
written by the reads in wellbeing/attachments.py; the case page only links here, so opening a case
does not log a read of its attachments. A case is found through ``selectors.case_for`` before
anything else, so another partner's case (or one the user does not see) answers 404, and a role
that sees the case without ``wellbeing.clinical`` answers 403. A download is sent as an attachment
in the type its bytes were sniffed as (never the uploader's), with ``nosniff``; like every signed-in
response it carries ``Cache-Control: no-store`` (core.middleware.SecurityHeadersMiddleware)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from joinedup.web.forms import submit
from joinedup.wellbeing import attachments, selectors
from joinedup.wellbeing.models import CaseStatus


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text="A PDF, PNG or JPEG file, up to the size limit. It is stored encrypted.",
        error_messages={"required": "Choose a file to attach.", "empty": "The file is empty."},
    )


@login_required
def attachment_list(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    user = request.user
    case = selectors.case_for(user, case_id=oh_case_id)
    posted = request.method == "POST"
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted:
        # Permission first (403/404 as for a read), then the file: a refused file stores nothing.
        attachments.clinical_case(user, case_id=case.pk)
        if form.is_valid():

            def attach() -> object:
                filename, content = attachments.read_upload(form.cleaned_data["file"])
                return attachments.attachment_add(actor=user, case=case, filename=filename, content=content)

            added = submit(form, attach)
            if added is not None:
                messages.success(request, "Document attached.")
                return redirect("web:wellbeing_attachments", oh_case_id=case.pk)
    listed = attachments.case_attachments(user, case_id=case.pk)
    return render(
        request,
        "web/wellbeing/attachments.html",
        {
            "case": case,
            "attachments": listed,
            "form": form,
            "open": case.status != CaseStatus.CLOSED,
            "limit": attachments.limit_text(),
        },
    )


@require_GET
@login_required
def attachment_download(request: HttpRequest, oh_case_id: int, oh_attachment_id: int) -> HttpResponse:
    document = attachments.attachment_download(
        request.user, case_id=oh_case_id, attachment_id=oh_attachment_id
    )
    return download_response(document)


def download_response(document: attachments.AttachmentFile) -> HttpResponse:
    """The document as a download: its sniffed type, never rendered in the browser."""
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
