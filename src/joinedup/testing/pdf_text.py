"""The strings a PDF that joinedup drew shows, for tests: each page stream inflated when it is
compressed (ASCII85 over FlateDecode, as core.pdf.render_pdf writes by default) and every ``(...) Tj`` string
read out, escapes undone. Enough for ReportLab's own output, which draws each table cell and
chart label as one string; not a general PDF reader."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"<<((?:(?!>>).)*)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
_SHOWN = re.compile(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_NAMED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> str:
    def one(found: re.Match[bytes]) -> bytes:
        code = found[1]
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _NAMED.get(code, code)

    return _ESCAPE.sub(one, raw).decode("cp1252")


def pdf_strings(content: bytes) -> list[str]:
    """Every string the PDF's pages draw, in the order drawn."""
    out: list[str] = []
    for about, body in _STREAM.findall(content):
        if b"/ASCII85Decode" in about:
            body = base64.a85decode(body.strip().removesuffix(b"~>"))
        if b"/FlateDecode" in about:
            body = zlib.decompress(body)
        out += [_unescape(raw) for raw in _SHOWN.findall(body)]
    return out
