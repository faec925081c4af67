"""The platform's PDF toolkit: pure, invariant, and drawing only what the standard fonts can."""

from __future__ import annotations

import subprocess
import sys

from reportlab.platypus import Paragraph

from joinedup.core.pdf import BASE, escape, printable, render_pdf


def test_the_toolkit_loads_neither_django_nor_any_domain() -> None:
    code = (
        "import sys\n"
        "import joinedup.core.pdf, joinedup.core.text\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')\n"
        "    or (m.startswith('joinedup.') and not m.startswith('joinedup.core')))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


def test_the_same_content_gives_the_same_bytes() -> None:
    def document() -> bytes:
        return render_pdf([Paragraph("Statement", BASE)], title="T", author="A", compress=False)

    first = document()
    assert first == document()  # invariant: no timestamp, no random document id
    assert first.startswith(b"%PDF-1.")
    assert b"(Statement)" in first
    assert b"/Creator (joinedup)" in first


def test_letters_the_standard_fonts_lack_are_folded_and_markup_is_escaped() -> None:
    assert printable("Łódź, Tŷ Gwyn, 李") == "Lódz, Ty Gwyn, ?"  # ó is in Windows-1252; 李 has no fold
    assert escape("Fire & Rescue <North>") == "Fire &amp; Rescue &lt;North&gt;"
