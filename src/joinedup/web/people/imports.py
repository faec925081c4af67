"""The spreadsheet import of employments and posts: upload (checked, or imported all or nothing
by joinedup.people.imports), the report of problems by row, and the empty templates."""

from __future__ import annotations

import base64
import json
import re
import zlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.db import SessionStore
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core import tabular
from joinedup.partnership.models import Partner
from joinedup.partnership.selectors import partner_for
from joinedup.people import imports, selectors
from joinedup.web.current import partner_page
from joinedup.web.people.forms import (
    IMPORT_KINDS,
    ImportForm,
)

IMPORT_ERRORS_PAGE_SIZE = 200


_DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "people.change")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
    else:
        form = ImportForm(initial={"kind": request.GET.get("kind", "employments")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = (
            imports.import_employments if form.cleaned_data["kind"] == "employments" else imports.import_posts
        )
        report = run(
            actor=request.user,
            partner=partner,
            source=upload.read(),
            filename=upload.name or "upload",
            dry_run=form.cleaned_data["dry_run"],
        )
        _keep_report(request, report, partner)
        if report.ok and not report.dry_run:
            messages.success(request, report.summary())
        return redirect("web:import_report")
    kinds = [(kind, label) for kind, (label, _) in IMPORT_KINDS.items()]
    context = {"form": form, "partner": partner, "kinds": kinds, "max_mb": imports.MAX_BYTES // (1024 * 1024)}
    return render(request, "web/people/import.html", context)


@login_required
def import_report(request: HttpRequest) -> HttpResponse:
    partner_page(request, "people.change")
    report = _last_report(request)
    if report is None:
        messages.info(request, "There is no import report to show: upload a file to check or import it.")
        return redirect("web:people_import")
    errors = _report_errors(report)
    page = Paginator(errors, IMPORT_ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "errors": errors,
        "page": page,
        "paginated": len(errors) > IMPORT_ERRORS_PAGE_SIZE,
    }
    return render(request, "web/people/import_report.html", context)


@login_required
def import_problems(request: HttpRequest) -> HttpResponse:
    partner_page(request, "people.change")
    report = _last_report(request)
    if report is None:
        raise Http404("No import report.")
    body = tabular.errors_as_csv(_report_errors(report))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", report["filename"].rsplit(".", 1)[0]).strip("-") or "import"
    response = HttpResponse(body.encode("utf-8"), content_type=_DOWNLOAD_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in IMPORT_KINDS or fmt not in _DOWNLOAD_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(tabular.template(IMPORT_KINDS[kind][1], fmt), content_type=_DOWNLOAD_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response


# The last import report is kept in a session record of its own, in the sessions table, whose
# key is kept in the user's session: the user's session stays small (it is read on every
# request) however many problems a large file has, every web server sees the report, and it
# expires (and is cleared by ``clearsessions``) like any session.
_REPORT_SESSION_KEY = "joinedup_import_report"


_REPORT_TTL_SECONDS = 24 * 60 * 60


def _keep_report(request: HttpRequest, report: imports.ImportReport, partner: Partner) -> None:
    errors = [[e.row, e.column, e.value, e.reason] for e in report.errors]
    store = SessionStore()
    store["report"] = {
        "partner_id": partner.pk,
        "partner_name": partner.name,
        "kind": report.kind,
        "filename": report.filename,
        "rows": report.rows,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "summary": report.summary(),
        "error_count": len(errors),
        "errors": base64.b64encode(zlib.compress(json.dumps(errors).encode("utf-8"))).decode("ascii"),
    }
    store.set_expiry(_REPORT_TTL_SECONDS)
    store.save()
    previous = request.session.get(_REPORT_SESSION_KEY)
    if previous:
        SessionStore(session_key=previous).delete()
    request.session[_REPORT_SESSION_KEY] = store.session_key


def _last_report(request: HttpRequest) -> dict[str, Any] | None:
    """The user's last import report, if it has not expired, and if they may still change
    people at the partner it was for (the values in it come from that partner's file)."""
    key = request.session.get(_REPORT_SESSION_KEY)
    report: dict[str, Any] | None = SessionStore(session_key=key).get("report") if key else None
    if report is not None:
        selectors.partner_to_change(
            request.user, partner=partner_for(request.user, partner_id=report["partner_id"])
        )
    return report


def _report_errors(report: dict[str, Any]) -> list[tabular.RowError]:
    rows = json.loads(zlib.decompress(base64.b64decode(report["errors"])))
    return [tabular.RowError(row, column, reason, value) for row, column, value, reason in rows]
