"""A cost split already agreed by every partner it charges, for tests about what a split does
once in force (journals, postings) rather than about consent."""

from __future__ import annotations

from typing import Any

from joinedup.core.actors import SystemActor
from joinedup.people.models import CostSplit
from joinedup.people.services import cost_share_decide, cost_split_set


def approved_split(**kwargs: Any) -> CostSplit:
    split = cost_split_set(**kwargs)
    for share in split.shares.for_partner(split.partner_id).exclude(charged_partner_id=split.partner_id):
        # The system approves on the charged partner's behalf: the test is not about consent.
        cost_share_decide(
            actor=SystemActor(reason="test: a split agreed beforehand"), share=share, approve=True
        )
    split.refresh_from_db()
    return split
