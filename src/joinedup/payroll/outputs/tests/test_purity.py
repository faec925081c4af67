"""The output formats are pure: importing them loads no Django."""

from __future__ import annotations

import subprocess
import sys


def test_the_output_modules_import_without_django() -> None:
    code = (
        "import sys\n"
        "import joinedup.payroll.outputs, joinedup.payroll.outputs.bacs, joinedup.payroll.outputs.fps\n"
        "import joinedup.payroll.outputs.pdf\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
