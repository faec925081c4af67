"""Occupational health's acceptance matrix (issue 16): every principal at the council (one user
per partnership role, the manager who referred, another manager, the employee the case is
about, another employee) and a clinician of the constabulary only, asked for every
occupational-health page and API operation — each taken from Django's URL resolver and the
OpenAPI document, never listed here, so a new route is in the matrix the day it lands — filled
with the seeded objects. Every piece of content carries a unique canary, and the matrix asserts
exactly who reads which (wellbeing/selectors.py and api/wellbeing.py say the rule):

- **clinical** (a note's words, the clinician's draft report): clinicians of the case's partner,
  on the case page, the notes operation and the report page; each read leaves one access event;
- **the outcome** once issued (its adjustments): the clinicians, the referrer once released (one
  access event, ``outcome``), and the employee on their own case;
- **the referral's words** (reason, questions): the referrer, occupational health and the employee,
  on the referral and case pages; **an adjustment record's words**: occupational health's case page;
- nothing else shows any of them: no list, search, audit trail, export, log or error page.

Another partner's case (and every object naming it) answers 404 to everyone without a role there,
and the employee's "who has read my case" lists each reader."""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.partnership.models import Partner, Role, TokenScope
from joinedup.partnership.services import api_token_create
from joinedup.people.models import Employment
from joinedup.testing.base import FIXTURES
from joinedup.testing.second_factor import sign_in
from joinedup.wellbeing import attachments, cases, notes, questionnaires, reports, surveillance
from joinedup.wellbeing import programmes as wellbeing_programmes
from joinedup.wellbeing.models import (
    AccessPart,
    Case,
    CaseAccessEvent,
    CaseAttachment,
    CaseLegalHold,
    CaseQuestionnaire,
    Referral,
    SurveillanceEnrolment,
    SurveillanceProgramme,
    WellbeingProgramme,
)
from joinedup.wellbeing.retention_runs import place_legal_hold
from joinedup.wellbeing.tests.casebase import CaseTestCase
from tests.attack import test_isolation_matrix as isolation

# A canary per piece of content: unique, and plain enough to survive HTML escaping unchanged.
CANARIES = {
    name: f"Zq{name.replace('_', '')}Canary"
    for name in (
        "REASON_A1",
        "QUESTIONS_A1",
        "NOTE_A1",
        "ADJUSTMENTS_A1",
        "RECORD_A1",
        "REASON_A2",
        "QUESTIONS_A2",
        "NOTE_A2",
        "DRAFT_A2",
        "REASON_B",
        "QUESTIONS_B",
        "NOTE_B",
        "ADJUSTMENTS_B",
        # An attachment per case: its name and its content are clinical (wellbeing/attachments.py).
        "ATTACHNAME_A1",
        "ATTACHBODY_A1",
        "ATTACHNAME_A2",
        "ATTACHBODY_A2",
        "ATTACHNAME_B",
        "ATTACHBODY_B",
        # Written during the scenario by the writes test.
        "NOTE_WRITTEN",
        "NOTE_API",
        "FAILED_REPORT",
        "FAILED_REFERRAL",
        "SELF_REFERRAL",
        "REFERRAL_API",
        "CRASH",
    )
}
C = CANARIES

# Every occupational-health operation of the API: by its path, so a new one is in the matrix.
API_PATHS = re.compile(r"wellbeing|(^|/)(oh|cases|referrals|surveillance)(/|-|$)")

# The principals: a council user in each partnership role, and the people a case involves.
NAMED = ("referring_manager", "other_manager", "subject", "other_employee", "clinician_b")
CLINICIAN_A = Role.OH_CLINICIAN.value
ADMIN_A = Role.OH_ADMIN.value

NOTES, DRAFT, OUTCOME = AccessPart.NOTES.value, AccessPart.DRAFT_REPORT.value, AccessPart.OUTCOME.value
ATTACHED, ANSWERS = AccessPart.ATTACHMENTS.value, AccessPart.QUESTIONNAIRES.value
ATTACHMENTS_PAGE = "web /wellbeing/cases/{oh_case_id}/attachments/"
ATTACHMENT_PAGE = "web /wellbeing/cases/{oh_case_id}/attachments/{oh_attachment_id}"
ATTACHMENTS_API = "api /api/v1/wellbeing/cases/{oh_case_id}/attachments"
ATTACHMENT_API = "api /api/v1/wellbeing/cases/{oh_case_id}/attachments/{oh_attachment_id}"
QUESTIONNAIRES_PAGE = "web /wellbeing/cases/{oh_case_id}/questionnaires/"
QUESTIONNAIRES_API = "api /api/v1/wellbeing/cases/{oh_case_id}/questionnaires"
CASE_PAGE = "web /wellbeing/cases/{oh_case_id}/"
REPORT_PAGE = "web /wellbeing/cases/{oh_case_id}/report"
REFERRAL_PAGE = "web /wellbeing/referrals/{referral_id}/"
MY_CASE_PAGE = "web /wellbeing/my/{oh_case_id}/"
NOTES_API = "api /api/v1/wellbeing/cases/{oh_case_id}/notes"
OUTCOME_API = "api /api/v1/wellbeing/referrals/{referral_id}/outcome"
MY_REPORT_API = "api /api/v1/wellbeing/my-cases/{oh_case_id}/report"
REGISTER = "web /wellbeing/adjustments/"
TEAM_REGISTER = "web /wellbeing/adjustments/team/"
REGISTER_API = "api /api/v1/wellbeing/partners/{partner_id}/adjustments"


def words(*names: str) -> frozenset[str]:
    return frozenset(names)


# (principal, route, filling) -> (the canaries it shows, the access event it leaves). Anything not
# here shows none and leaves none. A1: Ada's case referred by her manager, its report issued and
# released; A2: her case referred by an HR officer, its report a draft; B: a constabulary case.
SHOWN: dict[tuple[str, str, str], tuple[frozenset[str], str | None]] = {
    # The case page: the referral's words and adjustment records for occupational health, the
    # clinical section (one "notes" event per view) for the partner's clinicians only.
    (ADMIN_A, CASE_PAGE, "A1"): (words("REASON_A1", "QUESTIONS_A1", "RECORD_A1"), None),
    (CLINICIAN_A, CASE_PAGE, "A1"): (words("REASON_A1", "QUESTIONS_A1", "RECORD_A1", "NOTE_A1"), NOTES),
    (ADMIN_A, CASE_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2"), None),
    (CLINICIAN_A, CASE_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2", "NOTE_A2"), NOTES),
    ("clinician_b", CASE_PAGE, "B"): (words("REASON_B", "QUESTIONS_B", "NOTE_B"), NOTES),
    # The clinician's report page: the draft, or what was issued (one "draft_report" event).
    (CLINICIAN_A, REPORT_PAGE, "A1"): (words("ADJUSTMENTS_A1"), DRAFT),
    (CLINICIAN_A, REPORT_PAGE, "A2"): (words("DRAFT_A2"), DRAFT),
    ("clinician_b", REPORT_PAGE, "B"): (words("ADJUSTMENTS_B"), DRAFT),
    # The referral page: its words for the referrer, occupational health and the employee; the
    # released outcome for the referrer only (one "outcome" event).
    ("referring_manager", REFERRAL_PAGE, "A1"): (
        words("REASON_A1", "QUESTIONS_A1", "ADJUSTMENTS_A1"),
        OUTCOME,
    ),
    ("subject", REFERRAL_PAGE, "A1"): (words("REASON_A1", "QUESTIONS_A1"), None),
    (ADMIN_A, REFERRAL_PAGE, "A1"): (words("REASON_A1", "QUESTIONS_A1"), None),
    (CLINICIAN_A, REFERRAL_PAGE, "A1"): (words("REASON_A1", "QUESTIONS_A1"), None),
    (Role.HR_OFFICER.value, REFERRAL_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2"), None),
    ("subject", REFERRAL_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2"), None),
    (ADMIN_A, REFERRAL_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2"), None),
    (CLINICIAN_A, REFERRAL_PAGE, "A2"): (words("REASON_A2", "QUESTIONS_A2"), None),
    ("clinician_b", REFERRAL_PAGE, "B"): (words("REASON_B", "QUESTIONS_B"), None),
    # The employee's own case: the issued report, never the draft (A2 shows nothing).
    ("subject", MY_CASE_PAGE, "A1"): (words("ADJUSTMENTS_A1"), None),
    # The API: notes to the clinicians, the released outcome to the referrer, the issued report
    # to the employee.
    (CLINICIAN_A, NOTES_API, "A1"): (words("NOTE_A1"), NOTES),
    (CLINICIAN_A, NOTES_API, "A2"): (words("NOTE_A2"), NOTES),
    ("clinician_b", NOTES_API, "B"): (words("NOTE_B"), NOTES),
    ("referring_manager", OUTCOME_API, "A1"): (words("ADJUSTMENTS_A1"), OUTCOME),
    ("subject", MY_REPORT_API, "A1"): (words("ADJUSTMENTS_A1"), None),
    # Attachments (their names on the list, their content on download) and questionnaires' answers
    # and scores: the partner's clinicians only, one event per read.
    **{
        (clinician, route, tag): (words(f"ATTACH{what}_{tag}"), ATTACHED)
        for clinician, tags in ((CLINICIAN_A, ("A1", "A2")), ("clinician_b", ("B",)))
        for tag in tags
        for route, what in (
            (ATTACHMENTS_PAGE, "NAME"),
            (ATTACHMENTS_API, "NAME"),
            (ATTACHMENT_PAGE, "BODY"),
            (ATTACHMENT_API, "BODY"),
        )
    },
    **{
        (clinician, route, tag): (frozenset(), ANSWERS)
        for clinician, tags in ((CLINICIAN_A, ("A1", "A2")), ("clinician_b", ("B",)))
        for tag in tags
        for route in (QUESTIONNAIRES_PAGE, QUESTIONNAIRES_API)
    },
    # The register of workplace adjustments: an adjustment record's own words (never the case's
    # notes or report) for the partner's HR officers and occupational health, page and API, and
    # for the employee's line manager on their team's page.
    (Role.HR_OFFICER.value, REGISTER, "A1"): (words("RECORD_A1"), None),
    (ADMIN_A, REGISTER, "A1"): (words("RECORD_A1"), None),
    (CLINICIAN_A, REGISTER, "A1"): (words("RECORD_A1"), None),
    ("referring_manager", TEAM_REGISTER, "A1"): (words("RECORD_A1"), None),
    (Role.HR_OFFICER.value, REGISTER_API, "A1"): (words("RECORD_A1"), None),
    (ADMIN_A, REGISTER_API, "A1"): (words("RECORD_A1"), None),
    (CLINICIAN_A, REGISTER_API, "A1"): (words("RECORD_A1"), None),
}


@dataclass(frozen=True)
class Filling:
    """The objects a route's path parameters name, for one column of the matrix."""

    name: str
    partner: Partner
    case: Case
    referral: Referral
    employment: Employment
    surveillance_programme: SurveillanceProgramme
    enrolment: SurveillanceEnrolment
    wellbeing_programme: WellbeingProgramme
    # A legal hold on the case (wellbeing/retention_runs.py), seeded after the case.
    legal_hold: CaseLegalHold | None = None
    # An attachment and a questionnaire (answered on A1) on the case, seeded with it.
    attachment: CaseAttachment | None = None
    questionnaire: CaseQuestionnaire | None = None

    def value(self, parameter: str) -> Any:
        return getattr(self, PARAMETERS[parameter]).pk


# A path parameter -> the Filling's object it names.
PARAMETERS = {
    "partner_id": "partner",
    "oh_case_id": "case",
    "referral_id": "referral",
    "employment_id": "employment",
    "surveillance_programme_id": "surveillance_programme",
    "enrolment_id": "enrolment",
    "wellbeing_programme_id": "wellbeing_programme",
    "oh_legal_hold_id": "legal_hold",
    "oh_attachment_id": "attachment",
    "oh_questionnaire_id": "questionnaire",
}


def occupational_health_routes() -> list[isolation.Route]:
    return [
        r
        for r in isolation.every_route()
        if (r.interface == "web" and r.path.startswith("/wellbeing/"))
        or (r.interface == "api" and API_PATHS.search(r.path.removeprefix("/api/v1")))
    ]


def body_text(response: Any) -> str:
    """What a response says, downloads included: an XLSX's (zipped) XML parts are read out."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def canaries_in(text: str) -> frozenset[str]:
    return frozenset(name for name, canary in CANARIES.items() if canary in text)


class Captured(logging.Handler):
    """Every log record, formatted with its traceback, kept for the canary search."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.__dict__))


@contextmanager
def every_log_record() -> Iterator[Captured]:
    """All logging at DEBUG, on the root logger and every logger that does not pass records up."""
    handler = Captured()
    loggers = [logging.getLogger()] + [
        found
        for found in logging.root.manager.loggerDict.values()
        if isinstance(found, logging.Logger) and not found.propagate
    ]
    levels = [found.level for found in loggers]
    for found in loggers:
        found.addHandler(handler)
        found.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for found, level in zip(loggers, levels, strict=True):
            found.removeHandler(handler)
            found.setLevel(level)


class ConfidentialityTestCase(CaseTestCase):
    principals: dict[str, Any]
    tokens: dict[str, str]
    fillings: dict[str, Filling]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        council = cls.council
        principals: dict[str, Any] = {
            role.value: cls.make_user(f"a.{role.value}", [(council, role)])
            for role in Role
            if role not in (Role.MANAGER, Role.EMPLOYEE)
        }
        principals.update(
            referring_manager=cls.manager,
            other_manager=cls.other_manager,
            subject=cls.ada,
            other_employee=cls.council_employee,
            clinician_b=cls.police_clinician,
        )
        cls.principals = principals
        cls.tokens = {
            name: api_token_create(actor=FIXTURES, user=u, scope=TokenScope.WRITE)[1]
            for name, u in principals.items()
        }
        clinician_a, admin_a = principals[CLINICIAN_A], principals[ADMIN_A]
        hr_a = principals[Role.HR_OFFICER.value]

        case_a1 = cls.seed_case(
            referrer=cls.manager, employment=cls.council_emp, admin=admin_a, clinician=clinician_a, tag="A1"
        )
        cases.adjustment_record_create(
            actor=admin_a, case=case_a1, what=C["RECORD_A1"], starts_on=date(2026, 3, 16)
        )
        reports.report_issue(
            actor=clinician_a, report=cls.report_of(case_a1, clinician_a, C["ADJUSTMENTS_A1"])
        )
        case_a2 = cls.seed_case(
            referrer=hr_a, employment=cls.council_emp, admin=admin_a, clinician=clinician_a, tag="A2"
        )
        cls.report_of(case_a2, clinician_a, C["DRAFT_A2"])
        case_b = cls.seed_case(
            referrer=cls.police_hr,
            employment=cls.police_emp,
            admin=cls.oh_admin,
            clinician=cls.police_clinician,
            tag="B",
        )
        reports.report_issue(
            actor=cls.police_clinician, report=cls.report_of(case_b, cls.police_clinician, C["ADJUSTMENTS_B"])
        )
        own_a = cls.programmes_of(council, cls.council_emp)
        cls.fillings = {
            "A1": Filling("A1", council, cls.fresh(case_a1), case_a1.referral, cls.council_emp, *own_a),
            "A2": Filling("A2", council, cls.fresh(case_a2), case_a2.referral, cls.council_emp, *own_a),
            "B": Filling(
                "B",
                cls.police,
                cls.fresh(case_b),
                case_b.referral,
                cls.police_emp,
                *cls.programmes_of(cls.police, cls.police_emp),
            ),
        }
        cls.fillings = {
            name: replace(
                f,
                legal_hold=place_legal_hold(
                    actor=FIXTURES, case=f.case, reason="Matrix hold", reference=f"MATRIX/{name}"
                ),
                attachment=attachments.attachment_add(
                    actor=cls.police_clinician if name == "B" else clinician_a,
                    case=f.case,
                    filename=f"{C[f'ATTACHNAME_{name}']}.pdf",
                    content=b"%PDF-1.7\n% " + C[f"ATTACHBODY_{name}"].encode() + b"\n%%EOF\n",
                ),
                questionnaire=questionnaires.questionnaire_send(
                    actor=cls.police_clinician if name == "B" else clinician_a, case=f.case, key="phq9"
                ),
            )
            for name, f in cls.fillings.items()
        }
        answered = cls.fillings["A1"].questionnaire
        assert answered is not None
        questionnaires.questionnaire_answer(actor=cls.ada, questionnaire=answered, answers=[1] * 9)

    @classmethod
    def seed_case(
        cls, *, referrer: Any, employment: Employment, admin: Any, clinician: Any, tag: str
    ) -> Case:
        referral = cases.referral_send(
            actor=referrer,
            referral=cases.referral_create(
                actor=referrer,
                employment=employment,
                reason=C[f"REASON_{tag}"],
                questions=C[f"QUESTIONS_{tag}"],
                consent_date=date(2026, 2, 2),
            ),
        )
        case = cases.case_open(actor=admin, referral=referral)
        case = cases.case_triage(actor=admin, case=case, priority="soon", clinician=clinician)
        appointment = cases.appointment_book(
            actor=admin, case=case, starts_at=datetime(2026, 3, 2, 10, 30, tzinfo=UTC), mode="video"
        )
        cases.appointment_record(actor=admin, appointment=appointment, status="attended")
        case = cls.fresh(case)
        notes.note_add(actor=clinician, case=case, text=C[f"NOTE_{tag}"])
        return case

    @classmethod
    def report_of(cls, case: Case, clinician: Any, adjustments: str) -> Any:
        return reports.report_write(
            actor=clinician,
            case=cls.fresh(case),
            outcome="fit_with_adjustments",
            adjustments=adjustments,
            review_date=date(2026, 6, 1),
        )

    @classmethod
    def programmes_of(
        cls, partner: Partner, employment: Employment
    ) -> tuple[SurveillanceProgramme, SurveillanceEnrolment, WellbeingProgramme]:
        programme = surveillance.programme_create(
            actor=FIXTURES,
            partner=partner,
            details=surveillance.ProgrammeDetails(
                code="NOISE", name=f"Hearing checks at {partner.code}", kind="audiometry", basis="noise"
            ),
        )
        enrolment = surveillance.enrol(
            actor=FIXTURES,
            programme=programme,
            employment=employment,
            enrolled_on=date(2026, 1, 5),
            first_due_on=date(2026, 2, 2),
        )
        surveillance.check_record(
            actor=FIXTURES, enrolment=enrolment, done_on=date(2026, 2, 2), outcome="fit"
        )
        eap = wellbeing_programmes.programme_create(
            actor=FIXTURES, partner=partner, name=f"Employee assistance at {partner.code}", service="eap"
        )
        wellbeing_programmes.usage_record(
            actor=FIXTURES, programme=eap, month=date(2026, 10, 1), measure="referrals", counts={"stress": 12}
        )
        return programme, enrolment, eap

    # --- asking -----------------------------------------------------------------------------------

    def clients(self) -> dict[str, tuple[Client, Client]]:
        """Per principal: a signed-in browser (past the second factor where the role needs one)
        and a bearer-token API client."""
        return {
            name: (
                sign_in(Client(raise_request_exception=False), user),
                Client(
                    raise_request_exception=False, headers={"Authorization": f"Bearer {self.tokens[name]}"}
                ),
            )
            for name, user in self.principals.items()
        }

    @staticmethod
    def url(route: isolation.Route, filling: Filling) -> str:
        url = route.path
        for name in route.params:
            url = url.replace(f"{{{name}}}", str(filling.value(name)))
        return url

    @staticmethod
    def access_events_after(pk: int) -> list[CaseAccessEvent]:
        with rls.system_context("test: the reads of every partner's cases"):
            found = CaseAccessEvent.objects.unscoped(reason="test: every partner's reads")
            return list(found.filter(pk__gt=pk).order_by("pk"))

    @staticmethod
    def last_access_event() -> int:
        with rls.system_context("test: the reads of every partner's cases"):
            found = CaseAccessEvent.objects.unscoped(reason="test: every partner's reads")
            return int(found.order_by("-pk").values_list("pk", flat=True).first() or 0)

    def audit_texts(self) -> list[str]:
        with rls.system_context("test: every audit event"):
            rows = AuditEvent.objects.unscoped(reason="test: search every chain").values(
                "actor_label", "action", "object_type", "object_id", "before", "after", "request_id"
            )
            return [json.dumps(row, default=str) for row in rows]


class TestClinicalConfidentiality(ConfidentialityTestCase):
    def test_every_principal_reads_exactly_the_content_issue_16_allows_on_every_route(self) -> None:
        routes = occupational_health_routes()
        assert sum(r.interface == "web" for r in routes) >= 20
        assert sum(r.interface == "api" for r in routes) >= 15
        unfilled = [f"{r.label}: {p}" for r in routes for p in r.params if p not in PARAMETERS]
        assert not unfilled, (
            "Routes naming an object the matrix has not seeded (add it to Filling):\n" + "\n".join(unfilled)
        )
        clients = self.clients()
        failures: list[str] = []
        seen: set[tuple[str, str, str]] = set()
        statuses: dict[tuple[str, str, str], int] = {}
        downloads: set[str] = set()
        asked = 0
        last = self.last_access_event()
        with every_log_record() as logs:
            for route in routes:
                if route.interface == "api" and route.methods != ("GET",):
                    continue  # writes are the other test's; reads are what show content
                names_case = {"oh_case_id", "referral_id"} & set(route.params)
                columns = ("A1", "A2", "B") if names_case else ("A1", "B") if route.params else ("A1",)
                for column in columns:
                    filling = self.fillings[column]
                    url = self.url(route, filling)
                    # An attachment's download is the clinical file itself (SHOWN above), not an
                    # export of the page.
                    exports: bool | None = (
                        None if route.interface == "web" and "oh_attachment_id" not in route.params else False
                    )
                    for name in self.principals:
                        web, api_client = clients[name]
                        response = (web if route.interface == "web" else api_client).get(url)
                        asked += 1
                        key = (name, f"{route.interface} {route.path}", column)
                        statuses[key] = response.status_code
                        where = (
                            f"{route.label} [{column}] as {name}: GET {url} answered {response.status_code}"
                        )
                        shown, part = SHOWN.get(key, (frozenset(), None))
                        if key in SHOWN:
                            seen.add(key)
                        if response.status_code >= 500:
                            failures.append(where)
                        found = canaries_in(body_text(response))
                        if found != shown:
                            failures.append(f"{where} showing {sorted(found)}, not {sorted(shown)}")
                        events = self.access_events_after(last)
                        last = events[-1].pk if events else last
                        logged = [(e.part, e.case_id, e.actor_id) for e in events]
                        wanted = [(part, filling.case.pk, self.principals[name].pk)] if part else []
                        if logged != wanted:
                            failures.append(f"{where} left access events {logged}, not {wanted}")
                        # Every download the page offers (?format=csv|xlsx), to whoever reads the
                        # page; a page that offers none is asked once.
                        if exports is not False and response.status_code == 200:
                            for fmt in ("csv", "xlsx"):
                                download = web.get(url, {"format": fmt})
                                asked += 1
                                offered = "attachment" in download.get("Content-Disposition", "")
                                exports = exports or offered
                                if offered:
                                    downloads.add(f"{route.path}?format={fmt}")
                                    # A download carries no more than its page may show.
                                    leaked = canaries_in(body_text(download)) - shown
                                    if leaked:
                                        failures.append(f"{where}: its {fmt} download shows {sorted(leaked)}")
                            exports = bool(exports)
                            last = self.last_access_event()
        # Another partner's object answers 404 to everyone without a role there (a 403 only when
        # the principal is refused the route for its own partner's object too).
        for (name, route_key, column), status in statuses.items():
            foreign = column == "B" if name != "clinician_b" else column != "B"
            names_object = "{" in route_key
            own = statuses.get((name, route_key, "A1" if column == "B" else "B"))
            if foreign and names_object and status != 404 and not (status == 403 and own == 403):
                failures.append(f"{route_key} [{column}] as {name} answered {status}, not 404")
        missing = sorted(set(SHOWN) - seen)
        assert not missing, f"Expected readings the matrix never asked (a route renamed?): {missing}"
        assert not failures, f"{len(failures)} of {asked} requests broke the rule:\n" + "\n".join(failures)
        # The downloads the pages offer today (a new one joins the matrix by itself, and here).
        offered = (
            "/wellbeing/cases/",
            "/wellbeing/referrals/",
            "/wellbeing/referrals/waiting",
            "/wellbeing/access-log/",
            "/wellbeing/surveillance/",
            "/wellbeing/surveillance/team/",
            "/wellbeing/programmes/usage/",
            "/wellbeing/adjustments/",
            "/wellbeing/adjustments/team/",
            "/wellbeing/surveillance/checks/",
            "/wellbeing/surveillance/team/checks/",
        )
        assert downloads == {f"{path}?format={fmt}" for path in offered for fmt in ("csv", "xlsx")}, downloads
        leaked_logs = [t for t in logs.texts if canaries_in(t)]
        assert not leaked_logs, leaked_logs[:5]

    def test_the_employee_sees_who_has_read_their_case(self) -> None:
        a1 = self.fillings["A1"]
        clinician, manager = self.principals[CLINICIAN_A], self.principals["referring_manager"]
        clinician_web = sign_in(Client(), clinician)
        clinician_web.get(f"/wellbeing/cases/{a1.case.pk}/")
        clinician_web.get(f"/wellbeing/cases/{a1.case.pk}/report")
        sign_in(Client(), manager).get(f"/wellbeing/referrals/{a1.referral.pk}/")
        page = sign_in(Client(), self.ada).get(f"/wellbeing/my/{a1.case.pk}/")
        text = page.content.decode()
        for reader in (clinician, manager):
            assert str(reader.get_full_name() or reader.username) in text
        listed = Client(headers={"Authorization": f"Bearer {self.tokens['subject']}"}).get(
            f"/api/v1/wellbeing/my-cases/{a1.case.pk}/access"
        )
        assert sorted((e["who"], e["part"]) for e in listed.json()) == sorted(
            [("A.Oh_Clinician", NOTES), ("A.Oh_Clinician", DRAFT), ("Maggie.Manager", OUTCOME)]
        )

    def test_searches_the_audit_trail_and_its_downloads_show_no_content(self) -> None:
        council = self.council.pk
        asks = [
            ("web", "/people", {"q": "Lovelace"}),
            ("web", "/audit", {}),
            ("web", "/audit", {"action": "wellbeing.note_added"}),
            ("web", "/audit", {"format": "csv"}),
            ("web", "/servicedesk/help/", {"q": "Lovelace"}),
            ("api", "/api/v1/people", {"q": "Lovelace"}),
            ("api", f"/api/v1/partners/{council}/audit-events", {}),
            ("api", f"/api/v1/wellbeing/partners/{council}/cases", {}),
            ("api", f"/api/v1/wellbeing/partners/{council}/access-events", {}),
        ]
        answered: set[str] = set()
        for name, (web, api_client) in self.clients().items():
            for interface, path, query in asks:
                response = (web if interface == "web" else api_client).get(path, query)
                assert response.status_code < 500, (name, path, response.status_code)
                if response.status_code == 200:
                    answered.add(f"{path} {query}")
                assert not canaries_in(body_text(response)), (name, path, query)
        # Each search was answered to someone, so the emptiness above is the rule's, not a refusal's.
        assert len(answered) == len(asks), answered

    def test_the_rest_of_the_site_shows_no_content_to_those_who_see_the_most_of_it(self) -> None:
        # Every other page and API read that names nothing or the employee (her person record,
        # her employment), asked by the roles that read the most of the rest of the site.
        ada = {"person_id": self.council_emp.person_id, "employment_id": self.council_emp.pk}
        covered = set(occupational_health_routes())
        routes = [
            r
            for r in isolation.every_route()
            if r not in covered
            and set(r.params) <= set(ada)
            and (r.interface == "web" or r.methods == ("GET",))
            and r.path != "/sign-out"
        ]
        assert len(routes) >= 100, len(routes)
        readers = (
            Role.SERVICE_ADMIN.value,
            Role.HR_OFFICER.value,
            Role.DATA_PROTECTION_OFFICER.value,
            Role.UNION_REP.value,
            "referring_manager",
            "subject",
            CLINICIAN_A,
        )
        clients = self.clients()
        read = 0
        for route in routes:
            url = route.path
            for name, value in ada.items():
                url = url.replace(f"{{{name}}}", str(value))
            for name in readers:
                web, api_client = clients[name]
                response = (web if route.interface == "web" else api_client).get(url)
                assert response.status_code < 500, (name, url, response.status_code)
                read += response.status_code == 200
                assert not canaries_in(body_text(response)), (name, url, canaries_in(body_text(response)))
        assert read >= 200, read


class TestWritesErrorsAndTheirTraces(ConfidentialityTestCase):
    def test_no_write_error_page_or_log_line_keeps_a_word_of_the_content(self) -> None:
        a1, a2, b = self.fillings["A1"], self.fillings["A2"], self.fillings["B"]
        clients = self.clients()
        clinician_web, clinician_api = clients[CLINICIAN_A]
        pages: list[tuple[str, HttpResponse]] = []
        with every_log_record() as logs:
            # Writes: a note by the page and by the API, the draft issued, referrals made.
            written = clinician_web.post(
                f"/wellbeing/cases/{a2.case.pk}/", {"form": "note", "note-text": C["NOTE_WRITTEN"]}
            )
            assert written.status_code == 302, written.status_code
            made = clinician_api.post(
                f"/api/v1/wellbeing/cases/{a2.case.pk}/notes",
                {"text": C["NOTE_API"]},
                content_type="application/json",
            )
            assert made.status_code == 201 and not canaries_in(made.content.decode()), made.content
            issued = clinician_web.post(f"/wellbeing/cases/{a2.case.pk}/report", {"form": "issue"})
            assert issued.status_code == 302, issued.status_code
            referred = clients[Role.HR_OFFICER.value][1].post(
                "/api/v1/wellbeing/referrals",
                {"employment_id": self.shared_person_council.pk, "reason": C["REFERRAL_API"]},
                content_type="application/json",
            )
            assert referred.status_code == 201 and not canaries_in(referred.content.decode())
            referred_self = clients["subject"][0].post(
                "/wellbeing/self-referral",
                {"form": "self_refer", "reason": C["SELF_REFERRAL"], "questions": ""},
            )
            assert referred_self.status_code == 302, referred_self.content.decode()[:2000]
            # Failed forms: a report the clinician may no longer change, a referral consented
            # tomorrow. The form comes back to its writer, and the words go nowhere else.
            refused = clinician_web.post(
                f"/wellbeing/cases/{a1.case.pk}/report",
                {"form": "write", "outcome": "fit_with_adjustments", "adjustments": C["FAILED_REPORT"]},
            )
            assert refused.status_code == 200 and "has been issued" in refused.content.decode()
            future = clients[Role.HR_OFFICER.value][0].post(
                f"/wellbeing/refer/{self.council_emp.pk}",
                {"form": "refer", "reason": C["FAILED_REFERRAL"], "consent_date": "2999-01-01"},
            )
            assert future.status_code == 200, future.status_code
            # Error pages, each asked with a canary in its form: 403 (a page the role may not use),
            # 404 (another partner's case), 400 and 500 (raised inside the view).
            crash = {"form": "note", "note-text": C["CRASH"]}
            pages.append(("403", clients[Role.UNION_REP.value][0].post("/wellbeing/cases/", crash)))
            pages.append(("403", clients[ADMIN_A][0].post(f"/wellbeing/cases/{a1.case.pk}/report", crash)))
            pages.append(("404", clinician_web.post(f"/wellbeing/cases/{b.case.pk}/", crash)))
            with mock.patch.object(notes, "note_add", side_effect=SuspiciousOperation("Refused")):
                pages.append(("400", clinician_web.post(f"/wellbeing/cases/{a2.case.pk}/", crash)))
            with mock.patch.object(notes, "note_add", side_effect=RuntimeError("Broken")):
                pages.append(("500", clinician_web.post(f"/wellbeing/cases/{a2.case.pk}/", crash)))
                pages.append(
                    (
                        "500",
                        clinician_api.post(
                            f"/api/v1/wellbeing/cases/{a2.case.pk}/notes",
                            {"text": C["CRASH"]},
                            content_type="application/json",
                        ),
                    )
                )
        assert [(status, str(r.status_code)) for status, r in pages] == [(s, s) for s, _ in pages]
        assert [s for s, r in pages if canaries_in(r.content.decode())] == []
        audit = self.audit_texts()
        leaked = [t for t in audit if canaries_in(t)] + [t for t in logs.texts if canaries_in(t)]
        assert not leaked, "Content in the audit trail or the logs:\n" + "\n".join(leaked[:5])
        assert any("wellbeing.note_added" in t for t in audit)
        assert any("Internal Server Error" in t for t in logs.texts), "the 500 was not logged at all"
