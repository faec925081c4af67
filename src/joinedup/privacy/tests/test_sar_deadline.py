"""The statutory time limit of a subject-access request (privacy/sar_deadline.py).

UK GDPR Article 12(3): "within one month of receipt of the request ... may be extended by two
further months where necessary". The ICO's guidance (Right of access, "How long do we have to
comply?") counts the month to the corresponding calendar date, or the last day of the month when
there is none; a weekend or bank holiday gives until the next working day; when identity is asked
for, the period starts on receipt of it. Weekdays checked against a calendar."""

from __future__ import annotations

from datetime import date

from joinedup.privacy.sar_deadline import add_months, clock_start, due_date


class TestTheMonth:
    def test_it_runs_to_the_corresponding_calendar_date(self) -> None:
        # ICO: "receive a request on 3 September ... respond by 3 October" (Wednesday 3 October 2029).
        assert due_date(received_on=date(2029, 9, 3)).due_on == date(2029, 10, 3)

    def test_31_january_is_due_on_28_february(self) -> None:
        # ICO: no corresponding date, so the last day of the next month (Wednesday 28 February 2029).
        assert due_date(received_on=date(2029, 1, 31)).due_on == date(2029, 2, 28)

    def test_31_january_in_a_leap_year_is_due_on_29_february(self) -> None:
        assert due_date(received_on=date(2028, 1, 31)).due_on == date(2028, 2, 29)

    def test_a_month_ending_on_the_30th_keeps_the_30th(self) -> None:
        assert due_date(received_on=date(2029, 4, 30)).due_on == date(2029, 5, 30)

    def test_a_sunday_gives_until_the_monday(self) -> None:
        # ICO: a limit on a weekend runs to the next working day. 2 December 2029 is a Sunday.
        deadline = due_date(received_on=date(2029, 11, 2))
        assert (deadline.calendar_date, deadline.due_on) == (date(2029, 12, 2), date(2029, 12, 3))

    def test_christmas_and_boxing_day_give_until_the_27th(self) -> None:
        # 25 December 2029 is a Tuesday: Christmas Day and Boxing Day are bank holidays in England.
        deadline = due_date(received_on=date(2029, 11, 25))
        assert (deadline.calendar_date, deadline.due_on) == (date(2029, 12, 25), date(2029, 12, 27))


class TestIdentity:
    def test_the_clock_is_stopped_while_identity_is_awaited(self) -> None:
        deadline = due_date(received_on=date(2029, 1, 10), identity_requested_on=date(2029, 1, 11))
        assert (deadline.starts_on, deadline.due_on) == (None, None)

    def test_the_month_starts_when_identity_is_received(self) -> None:
        # ICO: the period begins on receipt of the information asked for to confirm identity.
        deadline = due_date(
            received_on=date(2029, 1, 10),
            identity_requested_on=date(2029, 1, 11),
            identity_verified_on=date(2029, 1, 20),
        )
        assert (deadline.starts_on, deadline.due_on) == (date(2029, 1, 20), date(2029, 2, 20))

    def test_without_an_identity_request_the_month_starts_on_receipt(self) -> None:
        assert clock_start(
            received_on=date(2029, 1, 10), identity_requested_on=None, identity_verified_on=None
        ) == date(2029, 1, 10)


class TestExtension:
    def test_two_further_months_from_31_january_run_to_30_april(self) -> None:
        # Article 12(3): three months in all from the start, counted as the ICO counts one month.
        assert due_date(received_on=date(2029, 1, 31), extended=True).due_on == date(2029, 4, 30)

    def test_an_extension_from_30_november_ends_on_28_february(self) -> None:
        assert due_date(received_on=date(2028, 11, 30), extended=True).due_on == date(2029, 2, 28)

    def test_an_extension_counts_from_identity_when_it_was_asked_for(self) -> None:
        deadline = due_date(
            received_on=date(2029, 1, 10),
            identity_requested_on=date(2029, 1, 11),
            identity_verified_on=date(2029, 1, 31),
            extended=True,
        )
        assert deadline.due_on == date(2029, 4, 30)


def test_add_months_crosses_the_year() -> None:
    assert add_months(date(2029, 12, 31), 2) == date(2030, 2, 28)
