"""CSV and XLSX downloads of any list a user can see."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from joinedup.core import tabular

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], name: str
) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        tabular.write_xlsx(rows, header, buffer, sheet_title=safe[:31])
        body: bytes = buffer.getvalue()
    else:
        text = io.StringIO()
        tabular.write_csv(rows, header, text)
        body = text.getvalue().encode("utf-8")
        fmt = "csv"
    response = HttpResponse(body, content_type=_CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
