"""The monthly service-level report's PDF download (``?format=pdf`` on the report page): the page's
month and partner choice and permission, the page's report, and with ``across=all`` a table per
partner before the sum over them all."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from joinedup.partnership.models import Partner
from joinedup.servicedesk.report_pdf import Section, service_level_pdf
from joinedup.servicedesk.reports import ServiceLevelReport, service_level_report


def pdf_response(
    request: HttpRequest, *, report: ServiceLevelReport, partner: Partner, across: bool, month_label: str
) -> HttpResponse:
    if across:
        partners = list(Partner.objects.filter(pk__in=report.partner_ids).order_by("name"))
        sections = [
            Section(
                p.name,
                service_level_report(actor=request.user, partner=p, year=report.year, month=report.month),
            )
            for p in partners
        ]
        sections.append(Section("Every partner above, together", report))
        names = ", ".join(p.name for p in partners)
        scope = "all-partners"
    else:
        sections, names, scope = [Section(partner.name, report)], partner.name, partner.code
    content = service_level_pdf(
        partners=names, month_label=month_label, sections=sections, now=timezone.now()
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"service-levels-{scope}-{report.year}-{report.month:02d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, no_store=True)
    return response
