"""Sorting a list that the server pages: the page asks for ?sort=KEY&order=asc|desc, the view
orders its query by the columns that key names, and each heading links to the other order.

Sorting in the browser (MOJ sortable table's script) would only sort the page on screen, not the
list, so paginated lists sort here; a list that is all on one page uses data-module instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool
    columns: Mapping[str, Sequence[str]]  # key -> the fields it orders by, ascending
    query: str = ""  # the rest of the page's query (filters), already encoded

    @property
    def order_by(self) -> list[str]:
        fields = list(self.columns[self.key])
        if self.descending:
            return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]
        return fields

    @property
    def params(self) -> str:
        """The sort as a query string, for pagination links to keep."""
        return urlencode({"sort": self.key, "order": "desc" if self.descending else "asc"})

    def aria_sort(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def href(self, key: str) -> str:
        """The link a heading makes: this column ascending, or the other way if it is sorted so."""
        order = "desc" if key == self.key and not self.descending else "asc"
        sort = urlencode({"sort": key, "order": order})
        return f"?{self.query}&{sort}" if self.query else f"?{sort}"


def sort_from(
    request: HttpRequest,
    columns: Mapping[str, Sequence[str]],
    *,
    default: str,
    descending: bool = False,
    query: str = "",
) -> Sort:
    """The sort a request asks for; an unknown key or order falls back to the default."""
    key = request.GET.get("sort", "")
    order = request.GET.get("order", "")
    if key not in columns:
        return Sort(default, descending, columns, query)
    return Sort(key, order == "desc", columns, query)
