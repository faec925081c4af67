"""The demo's TUPE plan: the twelve HR and payroll staff of "One HR and payroll service for
Wessex" transfer to Wessex Shared Services on 1 April 2027; the shared service's HR officer signs
in with the demo password and reads the comparison of the transfer with a secondment and the new
team's terms side by side (the Green Book and the police staff scale)."""

from __future__ import annotations

from django.test import Client

from joinedup.change.models import TransferPlan, TransferPlanMember
from tests.demo_checks.base import DemoChecks

DEMO_PASSWORD = "wessex-demo-2026"


class DemoTransfersChecks(DemoChecks):
    def test_the_shared_hr_officer_reads_the_comparison_and_the_terms_side_by_side(self) -> None:
        plan = TransferPlan.objects.unscoped(reason="the demo test reads the demo's plan").get()
        members = TransferPlanMember.objects.unscoped(reason="the demo test counts the staff list")
        assert sorted(members.filter(plan=plan).values_list("partner__code", flat=True)) == (
            ["WCC"] * 4 + ["WFRS"] * 4 + ["WPOL"] * 4
        )
        client = Client()
        signed_in = client.post("/sign-in", {"username": "shared.hr", "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302
        comparison = client.get(f"/change/transfer-plans/{plan.pk}/comparison")
        terms = client.get(f"/change/transfer-plans/{plan.pk}/terms")
        assert (comparison.status_code, terms.status_code) == (200, 200)
        assert "12 people to Wessex Shared Services from 1 April 2027" in comparison.content.decode()
        assert terms.content.count(b'data-testid="terms-group"') == 2
        assert b'data-testid="harmonise-chart"' in terms.content
