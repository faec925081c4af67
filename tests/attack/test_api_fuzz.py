"""Schemathesis against every operation of the API document, in process through the WSGI app,
as the council's HR, payroll and finance officers (issue 18: every route attacked from the day it
lands). Each operation gets ``FUZZ_EXAMPLES`` generated requests (``make fuzz`` raises it):
schema-valid and schema-breaking ones, with ids drawn at random and ids of the council's own
objects, so the requests reach past the 404 into the service behind.

Each request must answer below 500, with a status the document declares for the operation, in
the declared shape (errors in the one ``Error`` shape), and a schema-valid request must not be
refused by the request parser or the NUL check before it (the document must say what is really
accepted). Writes the fuzzer makes stay in the test's transaction."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from joinedup.api import main, parsing
from joinedup.api.main import api
from joinedup.partnership.models import Role
from tests.attack.fixtures import PATH_PARAMETERS, AttackTestCase

FUZZ_EXAMPLES = int(os.environ.get("JOINEDUP_FUZZ_EXAMPLES", "100"))
# `make test` sends the same requests every run, so a red build is the change's and reproduces;
# `make fuzz` (JOINEDUP_FUZZ_RANDOM=1) draws new ones each time.
FUZZ_RANDOM = os.environ.get("JOINEDUP_FUZZ_RANDOM") == "1"
CALLERS = [Role.HR_OFFICER, Role.PAYROLL_OFFICER, Role.FINANCE_OFFICER]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
SCHEMA.app = WSGIHandler()
SENT: dict[str, int] = {}
REPORT = Path(__file__).resolve().parents[2] / "build" / "test-results" / "api-fuzz.txt"
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Keep Django's request signals from closing the test's connection, as its test client does:
    the requests then run inside the test's transaction, and their writes roll back with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def parser_refusals() -> Iterator[list[Any]]:
    """Count the requests refused by the request parser (ninja's 422), which a schema-valid
    request must never be: the service's own 422s are business rules the schema cannot state."""
    refused: list[Any] = []
    handlers = api._exception_handlers
    original = handlers[main.NinjaValidationError]

    def spy(request: Any, exc: Any) -> Any:
        refused.append(exc.errors)
        return original(request, exc)

    handlers[main.NinjaValidationError] = spy
    try:
        yield refused
    finally:
        handlers[main.NinjaValidationError] = original


def nul_refusals(response: Any) -> list[Any]:
    """The fields ``NulRefusingMiddleware`` refused (it answers before ninja's parser): the
    document says no string holds a NUL, so a schema-valid request never meets it."""
    if response.status_code != 422:
        return []
    errors = response.json().get("errors", {})
    return [field for field, messages in errors.items() if parsing.REFUSAL in messages]


def write_report() -> None:
    """The figures for the record: requests sent per operation in this run, rewritten after each
    operation so that a long ``make fuzz`` cut short keeps what it did."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{count}\t{label}" for label, count in sorted(SENT.items())]
    total = sum(SENT.values())
    REPORT.write_text(f"{len(SENT)} operations, {total} requests\n" + "\n".join(lines) + "\n")


class TestTheApiSurvivesFuzzing(AttackTestCase):
    def fuzz(self, operation: Any) -> None:
        own = {
            name: PATH_PARAMETERS[name].value(self.council_objects)
            for name in re.findall(r"{(\w+)}", operation.path)
            if name in PATH_PARAMETERS
        }
        # The bearer token is fixed per strategy, so the negative mode cannot "break" it: a
        # request without a token is refused before anything else runs.
        strategies = []
        for role in CALLERS:
            headers = {"Authorization": f"Bearer {self.tokens[role]}"}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategies.append(operation.as_strategy(generation_mode=mode, headers=headers))
                strategies.append(
                    operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=own)
                )
        sent = 0

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not FUZZ_RANDOM,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def attack(case: Any) -> None:
            nonlocal sent
            sent += 1
            with parser_refusals() as refused:
                response = case.call()
            case.validate_response(response, checks=CHECKS)
            refused += nul_refusals(response)
            if case.meta.generation.mode.is_positive and refused:
                raise AssertionError(
                    f"{case.method} {case.formatted_path}: a schema-valid request was refused by the "
                    f"parser ({refused}); make the schema say what is accepted.\n{case.as_curl_command()}"
                )

        with in_test_transaction():
            attack()
        # Fewer only when Hypothesis has run out of distinct requests (an operation without
        # parameters or body).
        SENT[operation.label] = sent
        write_report()


def _fuzz_test(operation: Any) -> Callable[[TestTheApiSurvivesFuzzing], None]:
    def test(self: TestTheApiSurvivesFuzzing) -> None:
        self.fuzz(operation)

    test.__doc__ = f"{operation.method.upper()} {operation.path}"
    return test


for _operation in OPERATIONS:
    setattr(
        TestTheApiSurvivesFuzzing,
        f"test_it_answers_every_generated_request_to_{_operation.definition.raw['operationId']}",
        _fuzz_test(_operation),
    )
