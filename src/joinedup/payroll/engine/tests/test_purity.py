"""The engine imports nothing from Django and uses no floats for money."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parents[1]
SRC_DIR = ENGINE_DIR.parents[2]


def test_importing_the_engine_loads_no_django_module() -> None:
    code = (
        "import sys, joinedup.payroll.engine\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC_DIR)},
    ).stdout
    assert output.strip() == "[]"


def test_no_engine_module_mentions_django_in_an_import() -> None:
    for path in ENGINE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "django" for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "django", path


def test_no_engine_module_converts_to_float() -> None:
    # no float(), no float dtypes, no true division on arrays: money stays Decimal or int64
    for path in sorted(ENGINE_DIR.glob("*.py")):
        if path.name == "bench.py":
            continue  # reports timings in seconds, which are floats; it computes no money
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "float", f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"float64", "float32", "floating", "true_divide"}, (
                    f"{path.name}:{node.lineno}"
                )
