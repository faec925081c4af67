"""The component library's template tags: one way to show a status, an amount, a date, a section's
links. Each renders a template in web/components/, and /components/ shows every one of them.

``{% load components %}`` then:

- ``{{ day|people_date }}``: "25 November 2026" (a datetime is read on the clock in London).
- ``{{ when|people_datetime }}``: "25 November 2026 at 14:30", on the clock in London, where the
  time matters (an event, a deadline); ``{{ month|people_month }}``: "November 2026".
  ``|date:`` is for machine-readable places only (a form's value, a URL, ``datetime=``).
  The three filters call joinedup.core.dates, which Python code (a message, an e-mail, a PDF)
  calls for the same forms.
- ``{% status_tag run.status run.get_status_display %}``: a GOV.UK tag, coloured by STATUS_COLOURS.
- ``{% money_cell amount %}`` (Decimal pounds) / ``{% pence_cell pence %}`` (int pence): a
  right-aligned table cell with the pound sign.
- ``{% identity_bar person.full_name "Payroll number" number %}``: MOJ identity bar, above the
  heading of the page about one person or one run.
- ``{% badge count "red" %}``: an MOJ badge, a count or a short word beside a link or heading.
- ``{% sub_navigation "Ledger sections" %}{% sub_navigation_item "Periods" url here "home" %}
  {% end_sub_navigation %}``: MOJ sub-navigation, the link whose key is ``here`` marked current.
- ``{% sort_header sort "name" "Name" %}``: a sortable column heading of a table sorted by the
  server (web/sorting.py), in MOJ sortable table's markup.
- ``{% filter_layout filters %}<form>…</form>{% filter_results %}…{% end_filter_layout %}``: MOJ's
  filter panel beside a list, the filters in force as tags that remove them (web/filtering.py).
"""

from __future__ import annotations

import numbers
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from joinedup.core import dates
from joinedup.core.money import gbp, pounds_to_pence

register = template.Library()


# One status, one colour, on every page. A key is a status as stored (lower case) or a label as
# shown; "kind:status" overrides where one word means different things in two places (a ledger
# period that is open is business as usual; a payroll flag that is open needs someone).
#   red     something is wrong or late and needs someone now
#   orange  a warning: it will go wrong soon unless someone acts
#   yellow  waiting for someone (a decision, a check, a queue)
#   blue    in progress, or news to read
#   green   done and in good order
#   grey    finished, withdrawn or not in force: nothing more to do
#   purple  a different kind of thing, not a state (a credit note among invoices)
STATUS_COLOURS: dict[str, str] = {
    # red
    "overdue": "red",
    "late": "red",
    "breached": "red",
    "exception": "red",
    "rejected": "red",
    "vacant": "red",
    "act now": "red",
    "under legal hold": "red",
    "in force": "red",
    "over-used": "red",
    "over its seats": "red",
    "flag:open": "red",
    "p1": "red",
    "refused": "red",
    "declined": "red",
    "unsuccessful": "red",
    "blocked": "red",
    "failed": "red",
    "did_not_attend": "red",
    "lapsed": "red",
    "urgent": "red",
    "review overdue": "red",
    # orange
    "warning": "orange",
    "over": "orange",
    "at risk": "orange",
    "at_risk": "orange",
    "due soon": "orange",
    "declaration changed: review": "orange",
    "p2": "orange",
    "reopened": "orange",
    "in_repair": "orange",
    "due": "orange",
    "soon": "orange",
    # yellow
    "pending": "yellow",
    "queued": "yellow",
    "awaiting_approval": "yellow",
    "awaiting approval": "yellow",
    "part filled": "yellow",
    "bank change pending": "yellow",
    "preview": "yellow",
    "internal": "yellow",
    "tupe protected": "yellow",
    "requested": "yellow",
    "submitted": "yellow",
    "deferred": "yellow",
    "proposed": "yellow",
    "on_hold": "yellow",
    "ordered": "yellow",
    "waiting_requester": "yellow",
    "waiting_third_party": "yellow",
    "awaiting_identity": "yellow",
    "ready_for_review": "yellow",
    "referred": "yellow",
    "with_employee": "yellow",
    "review due": "yellow",
    # blue
    "calculating": "blue",
    "calculated": "blue",
    "running": "blue",
    "unread": "blue",
    "published": "blue",
    "shared": "blue",
    "edited": "blue",
    "open": "blue",
    "received": "blue",
    "in_payment": "blue",
    "consultation": "blue",
    "implementing": "blue",
    "new": "blue",
    "assigned": "blue",
    "in_progress": "blue",
    "consulting": "blue",
    "ready": "blue",
    "part_received": "blue",
    "in_stock": "blue",
    "trial": "blue",
    "sent": "blue",
    "triaged": "blue",
    "appointment_booked": "blue",
    "booked": "blue",
    "assessed": "blue",
    "report_written": "blue",
    "upcoming": "blue",
    "current": "blue",
    # green
    "approved": "green",
    "approved by the partnership": "green",
    "active": "green",
    "complete": "green",
    "done": "green",
    "applied": "green",
    "met": "green",
    "matches": "green",
    "as declared": "green",
    "drawn": "green",
    "on": "green",
    "filled": "green",
    "issued": "green",
    "verified": "green",
    "resolved": "green",
    "period:open": "green",
    "accepted": "green",
    "posted": "green",
    "recorded": "green",
    "slotted": "green",
    "redeployed": "green",
    "confirmed": "green",
    "completed": "green",
    "live": "green",
    "deployed": "green",
    "report_released": "green",
    "attended": "green",
    "released": "green",
    "certified": "green",
    "requisition:ordered": "green",
    # grey
    "draft": "grey",
    "paid": "grey",
    "closed": "grey",
    "withdrawn": "grey",
    "reversed": "grey",
    "deactivated": "grey",
    "locked out": "red",
    "leaver": "grey",
    "to do": "grey",
    "not yet approved by the partnership": "grey",
    "extended": "grey",
    "paused": "grey",
    "lifted": "grey",
    "cancelled": "grey",
    "disposed": "grey",
    "p3": "grey",
    "p4": "grey",
    "redundant": "grey",
    "ended": "grey",
    "withheld": "grey",
    "revoked": "grey",
    "routine": "grey",
    # purple
    "credit note": "purple",
}

# The colours of GOV.UK Frontend's tag (and of MOJ's badge, which has fewer).
TAG_COLOURS = frozenset(
    {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow"}
)
BADGE_COLOURS = frozenset({"", "red", "blue", "green", "purple", "grey", "bright-purple"})


def status_colour(status: Any, kind: str = "") -> str:
    """The colour of a status: by kind and status, then status alone; grey when unknown."""
    key = str(status).strip().lower()
    return STATUS_COLOURS.get(f"{kind}:{key}") or STATUS_COLOURS.get(key, "grey")


@register.filter
def people_date(value: date | datetime | str | None, weekday: str = "") -> str:
    """A date as people read it: 25 November 2026 (no leading zero, the month in full); with
    ``:"weekday"``, Wednesday 25 November 2026 (a pay day or a cut-off to plan by). Also an ISO
    date as an audit event's JSON keeps it ("2026-11-25"). The form is core.dates', so a date
    built in Python (a message, an e-mail, a PDF) reads the same."""
    if weekday not in ("", "weekday"):
        raise ValueError(f'people_date takes "weekday" or nothing, not {weekday!r}')
    return dates.people_date(value, weekday=bool(weekday))


@register.filter
def people_datetime(value: datetime | None, weekday: str = "") -> str:
    """A moment as people read it, on the clock in London: 25 November 2026 at 14:30; with
    ``:"weekday"``, Wednesday 25 November 2026 at 14:30 (a promise or a deadline to plan by)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        raise TypeError(f"people_datetime takes a datetime, not {type(value).__name__}")
    if weekday not in ("", "weekday"):
        raise ValueError(f'people_datetime takes "weekday" or nothing, not {weekday!r}')
    return dates.people_datetime(value, weekday=bool(weekday))


@register.filter
def people_month(value: date | None) -> str:
    """A month (a period, a run) as people read it: November 2026."""
    return dates.people_month(value)


@register.simple_tag
def status_tag(status: Any, label: Any = None, kind: str = "") -> SafeString:
    """A GOV.UK tag for a status; the label defaults to the status itself."""
    text = status if label is None else label
    return render_to_string(
        "web/components/_status_tag.html", {"colour": status_colour(status, kind), "text": text}
    )


def _pounds(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    if not isinstance(amount, Decimal):
        raise TypeError(f"an amount of money is a Decimal, never {type(amount).__name__}")
    return gbp(pounds_to_pence(amount))


def _pence(pence: int | None) -> str:
    if pence is None:
        return ""
    # NumPy's int64 (a report's bulk figures) is an Integral too; a float or Decimal is a bug.
    if isinstance(pence, bool) or not isinstance(pence, numbers.Integral):
        raise TypeError(f"pence are an int, never {type(pence).__name__}")
    return gbp(int(pence))


@register.simple_tag
def money_cell(amount: Decimal | None, testid: str = "") -> SafeString:
    """A table cell holding Decimal pounds, right-aligned with the pound sign."""
    text = _pounds(amount)
    pence = "" if amount is None else pounds_to_pence(amount)
    return render_to_string(
        "web/components/_money_cell.html", {"text": text, "pence": pence, "testid": testid}
    )


@register.simple_tag
def pence_cell(pence: int | None, testid: str = "") -> SafeString:
    """A table cell holding integer pence (as stored), right-aligned with the pound sign."""
    text = _pence(pence)
    sort = "" if pence is None else int(pence)
    return render_to_string(
        "web/components/_money_cell.html", {"text": text, "pence": sort, "testid": testid}
    )


@register.simple_tag
def badge(text: Any, colour: str = "", hidden: str = "") -> SafeString:
    """An MOJ badge: a count or a short word; ``hidden`` is read after it by a screen reader
    (" unread"), since a count alone says nothing."""
    if colour not in BADGE_COLOURS:
        raise ValueError(f"MOJ badges come in {sorted(BADGE_COLOURS)}, not {colour!r}")
    return render_to_string("web/components/_badge.html", {"text": text, "colour": colour, "hidden": hidden})


@register.simple_tag
def identity_bar(title: Any, *facts: Any) -> SafeString:
    """MOJ identity bar: the name of the person or run the page is about, then label, value, …"""
    if len(facts) % 2:
        raise template.TemplateSyntaxError("identity_bar takes a title, then pairs of label and value")
    pairs = [(facts[i], facts[i + 1]) for i in range(0, len(facts), 2)]
    return render_to_string("web/components/_identity_bar.html", {"title": title, "facts": pairs})


@register.simple_tag
def sort_header(sort: Any, key: str, label: str, numeric: bool = False) -> SafeString:
    """A column heading of a server-sorted table (see joinedup.web.sorting.Sort)."""
    return render_to_string(
        "web/components/_sort_header.html",
        {"label": label, "numeric": numeric, "aria_sort": sort.aria_sort(key), "href": sort.href(key)},
    )


@register.simple_tag
def sub_navigation_item(label: str, href: str, here: str = "", key: str = "") -> SafeString:
    """One link of a sub-navigation; current when ``key`` is the page's ``here``."""
    return render_to_string(
        "web/components/_sub_navigation_item.html",
        {"label": label, "href": href, "current": bool(key) and here == key},
    )


class SubNavigationNode(template.Node):
    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList) -> None:
        self.label = label
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return render_to_string(
            "web/components/_sub_navigation.html",
            {"label": self.label.resolve(context), "items": SafeString(self.nodelist.render(context))},
        )


@register.tag
def sub_navigation(parser: template.base.Parser, token: template.base.Token) -> SubNavigationNode:
    """``{% sub_navigation "Label" %}…sub_navigation_item…{% end_sub_navigation %}``."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("sub_navigation takes one argument: the navigation's label")
    nodelist = parser.parse(("end_sub_navigation",))
    parser.delete_first_token()
    return SubNavigationNode(parser.compile_filter(bits[1]), nodelist)


class FilterLayoutNode(template.Node):
    def __init__(
        self, filters: template.base.FilterExpression, options: template.NodeList, results: template.NodeList
    ) -> None:
        self.filters = filters
        self.options = options
        self.results = results

    def render(self, context: template.Context) -> str:
        return render_to_string(
            "web/components/_filter_layout.html",
            {
                "filters": self.filters.resolve(context),
                "options": SafeString(self.options.render(context)),
                "results": SafeString(self.results.render(context)),
            },
        )


@register.tag
def filter_layout(parser: template.base.Parser, token: template.base.Token) -> FilterLayoutNode:
    """``{% filter_layout filters %}<form>…</form>{% filter_results %}…list…{% end_filter_layout %}``:
    MOJ's filter panel (``filters`` from ``web.filtering.filters``) beside the list."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("filter_layout takes one argument: the list's filters")
    options = parser.parse(("filter_results",))
    parser.delete_first_token()
    results = parser.parse(("end_filter_layout",))
    parser.delete_first_token()
    return FilterLayoutNode(parser.compile_filter(bits[1]), options, results)
