"""BACS Standard 18 direct-credit files, for every payer on the platform (payroll's net pay,
purchasing's supplier payments): one processing day ("1 DAILY"), credits then a contra (one
for each group of credits that fits the contra's 11-digit amount).

Layout (each label 80 characters, each data record 100, every line ending CRLF)::

    VOL1  volume header: submission serial, service user number (SUN)
    HDR1  file header 1: 'A' + SUN + 'S  1' + SUN + serial, creation and expiry dates ' YYDDD'
    HDR2  file header 2: fixed-length records 'F', block length 02000, record length 00100
    UHL1  user header: processing day ' YYDDD', receiving party 999999, currency 00, work code '1 DAILY  '
    ...   one data record per credit (transaction code 99)
    ...   a contra record (transaction code 17) debiting the employer's account for the credits before
          it; more than one when they total over £999,999,999.99
    EOF1  as HDR1;  EOF2  as HDR2
    UTL1  user trailer: debit total, credit total (13 digits, pence), debit count, credit count (7 digits)

Data record positions (1-based): 1-6 destination sort code, 7-14 destination account, 15 account type
'0', 16-17 transaction code, 18-23 originating sort code, 24-31 originating account, 32-35 free
(spaces), 36-46 amount in pence zero-padded to 11 digits, 47-64 originator's name (the contra: a
narrative), 65-82 reference (the contra: 'CONTRA'), 83-100 destination account name.

Text fields hold only BACS's characters: A-Z, 0-9, full stop, ampersand, slash, hyphen and space.
:func:`bacs_text` upper-cases, folds accented letters to their base letter ('Ó' to 'O', 'ß' to 'SS'),
drops apostrophes ("O'Brien" to 'OBRIEN') and turns every other character into a space, then
collapses spaces and cuts the field to its width.

Lines end with CRLF: Bacstel-IP submission software and the banks' upload portals read the file as
DOS text, and CRLF is what they document and produce.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from joinedup.core.dates import people_date
from joinedup.core.text import fold_to_ascii, keep_only

CRLF = "\r\n"
LABEL_LENGTH = 80
RECORD_LENGTH = 100
MAX_AMOUNT = 99_999_999_999  # the 11-digit amount field: £999,999,999.99
MAX_TOTAL = 9_999_999_999_999  # the 13-digit UTL1 totals
MAX_COUNT = 9_999_999  # the 7-digit UTL1 counts

CREDIT = "99"
CONTRA_DEBIT = "17"
RECEIVING_PARTY = "999999"  # UHL1: the receiving party is BACS itself
CURRENCY = "00"  # UHL1: sterling
COUNTRY = "000000"
WORK_CODE = "1 DAILY  "  # single processing day
FILE_NUMBER = "001"

ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")


class Bacs18Error(ValueError):
    """A BACS file that cannot be written, or that does not read back."""


class BacsOriginator(Protocol):
    """Who pays: the account debited by the contra and the service user number that submits the file.
    Payroll's ``Employer`` is one; purchasing passes the partner's payables account."""

    @property
    def name(self) -> str: ...
    @property
    def bank_sort_code(self) -> str: ...
    @property
    def bank_account_number(self) -> str: ...
    @property
    def bank_account_name(self) -> str: ...
    @property
    def bacs_user_number(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Originator:
    """A plain :class:`BacsOriginator` for payers that are not an employer."""

    name: str
    bank_sort_code: str
    bank_account_number: str
    bank_account_name: str
    bacs_user_number: str


class BacsCredit(NamedTuple):
    """One credit in a BACS file: a payee's account and the amount to pay into it. A named tuple,
    not a frozen dataclass: a BACS file makes one for each of up to a million people, and a
    frozen dataclass's constructor costs several times as much."""

    sort_code: str  # 6 digits (hyphens and spaces are ignored)
    account_number: str  # 8 digits
    name: str  # the payee's account name
    amount: int  # pence, more than zero
    reference: str  # shown on the payee's statement


def bacs_text(value: str, width: int) -> str:
    """The value in BACS's character set, cut and padded to ``width``."""
    if value.isascii():
        upper = value.upper()
        if ALLOWED.issuperset(upper) and "  " not in upper:  # the usual name or reference
            return upper.strip()[:width].rstrip().ljust(width)
    cleaned = keep_only(fold_to_ascii(value).upper(), ALLOWED, drop="'\"")
    return cleaned[:width].rstrip().ljust(width)


def julian(day: date) -> str:
    """BACS's date form ' YYDDD': a space, the year's last two digits and the day of the year."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def _digits(value: str, length: int, what: str, who: str) -> str:
    compact = value.replace("-", "").replace(" ", "")
    if len(compact) != length or not (compact.isascii() and compact.isdigit()):
        raise Bacs18Error(f"{who}: {what} must be {length} digits, got {value!r}")
    return compact


def _amount(amount: object, who: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise Bacs18Error(f"{who}: amount must be integer pence, got {amount!r}")
    if amount <= 0:
        raise Bacs18Error(f"{who}: amount must be more than zero, got {amount} pence")
    if amount > MAX_AMOUNT:
        raise Bacs18Error(
            f"{who}: amount {amount} pence does not fit the 11-digit BACS amount field (at most {MAX_AMOUNT})"
        )
    return amount


def _serial(file_serial: str) -> str:
    serial = file_serial.strip().upper()
    if not 1 <= len(serial) <= 6 or not serial.isascii() or not serial.isalnum():
        raise Bacs18Error(f"file serial must be 1 to 6 letters or digits, got {file_serial!r}")
    serial = serial.rjust(6, "0")
    if serial == "000000":
        raise Bacs18Error("file serial must not be all zeros")
    return serial


def _data_record(
    *,
    dest_sort_code: str,
    dest_account: str,
    transaction_code: str,
    orig_sort_code: str,
    orig_account: str,
    amount: int,
    name_field: str,
    reference_field: str,
    dest_name_field: str,
) -> str:
    record = (
        f"{dest_sort_code}{dest_account}0{transaction_code}{orig_sort_code}{orig_account}"
        f"{' ' * 4}{amount:011d}{name_field}{reference_field}{dest_name_field}"
    )
    if len(record) != RECORD_LENGTH:  # pragma: no cover - every field above has a fixed width
        raise AssertionError(f"BACS data record of {len(record)} characters: {record!r}")
    return record


def _label(text: str) -> str:
    if len(text) > LABEL_LENGTH:  # pragma: no cover - every label below is built to 80
        raise AssertionError(f"BACS label of {len(text)} characters: {text!r}")
    return text.ljust(LABEL_LENGTH)


def bacs18(
    *,
    employer: BacsOriginator,
    processing_date: date,
    payments: Sequence[BacsCredit],
    file_serial: str,
    contra_reference: str = "",
    creation_date: date | None = None,
    payer_kind: str = "employer",
) -> str:
    """The Standard 18 file paying ``payments`` from the employer's account on ``processing_date``.

    ``employer`` is the payer (any :class:`BacsOriginator`; payroll's name for it is kept);
    ``file_serial`` is the submission serial (up to 6 letters or digits, unique for the day);
    ``contra_reference`` is the narrative on the payer's statement (default 'PAYROLL' and the
    serial); ``creation_date`` defaults to the processing date, and is also used as the expiry date;
    ``payer_kind`` names the payer in error messages ("employer 'Northshire County Council': …").
    Raises :class:`Bacs18Error` (a ``ValueError``) naming the payee for any credit BACS would reject.
    """
    if not payments:
        raise Bacs18Error("a BACS file needs at least one credit")
    if processing_date.weekday() >= 5:
        raise Bacs18Error(
            f"processing date {people_date(processing_date, weekday=True)} is not a BACS processing day"
        )
    who = f"{payer_kind} {employer.name!r}"
    sun = employer.bacs_user_number.strip().upper()
    if len(sun) != 6 or not sun.isascii() or not sun.isalnum():
        raise Bacs18Error(f"{who}: BACS service user number must be 6 letters or digits, got {sun!r}")
    orig_sort = _digits(employer.bank_sort_code, 6, "sort code", who)
    orig_account = _digits(employer.bank_account_number, 8, "account number", who)
    originator = bacs_text(employer.name, 18)
    if not originator.strip():
        raise Bacs18Error(f"{who}: the name has no characters BACS accepts")
    serial = _serial(file_serial)
    created = creation_date or processing_date

    records: list[str] = []
    total = 0
    contras = 0
    group = 0  # the credits since the last contra
    dest_name_contra = bacs_text(employer.bank_account_name or employer.name, 18)
    narrative = bacs_text(contra_reference or f"PAYROLL {serial}", 18)

    def contra() -> None:
        # The contra debits the employer's account for the credits before it. Its amount field
        # has 11 digits (£999,999,999.99), so a larger payroll has a contra for each group of
        # credits that fits; the file's totals are UTL1's 13 digits.
        nonlocal contras, group
        records.append(
            _data_record(
                dest_sort_code=orig_sort,
                dest_account=orig_account,
                transaction_code=CONTRA_DEBIT,
                orig_sort_code=orig_sort,
                orig_account=orig_account,
                amount=group,
                name_field=narrative,
                reference_field=bacs_text("CONTRA", 18),
                dest_name_field=dest_name_contra,
            )
        )
        contras += 1
        group = 0

    # Every credit record is this between the payee's account and the amount; a file may hold a
    # million credits, so the usual one (plain digits, a positive int amount, text with
    # something left in BACS's characters) is written in one f-string, and only a credit that
    # fails a quick look goes the long way, which compacts '20-00-00' or names what is wrong.
    between = f"0{CREDIT}{orig_sort}{orig_account}{' ' * 4}"
    for number, credit in enumerate(payments, start=1):
        dest_name = bacs_text(credit.name, 18)
        reference = bacs_text(credit.reference, 18)
        amount, sort_code, account = credit.amount, credit.sort_code, credit.account_number
        if not (
            type(amount) is int
            and 0 < amount <= MAX_AMOUNT
            and len(sort_code) == 6
            and sort_code.isdigit()
            and sort_code.isascii()
            and len(account) == 8
            and account.isdigit()
            and account.isascii()
            and not dest_name.isspace()
            and not reference.isspace()
        ):
            payee = f"BACS credit {number} to {credit.name!r}"
            if not dest_name.strip():
                raise Bacs18Error(f"{payee}: the account name has no characters BACS accepts")
            if not reference.strip():
                raise Bacs18Error(f"{payee}: the reference has no characters BACS accepts")
            amount = _amount(credit.amount, payee)
            sort_code = _digits(credit.sort_code, 6, "sort code", payee)
            account = _digits(credit.account_number, 8, "account number", payee)
        if group + amount > MAX_AMOUNT:
            contra()
        records.append(f"{sort_code}{account}{between}{amount:011d}{originator}{reference}{dest_name}")
        group += amount
        total += amount
    contra()
    if total > MAX_TOTAL:
        raise Bacs18Error(
            f"the credits total {total} pence, more than UTL1's 13-digit total holds; "
            "split the payments into more than one file"
        )
    if len(payments) > MAX_COUNT:
        raise Bacs18Error(f"{len(payments)} credits is more than the 7-digit count in UTL1 holds")

    uhl1 = (
        f"UHL1{julian(processing_date)}{RECEIVING_PARTY}{' ' * 4}{CURRENCY}{COUNTRY}{WORK_CODE}{FILE_NUMBER}"
    )
    hdr1_body = f"A{sun}S  1{sun}{serial}00010001{' ' * 6}{julian(created)}{julian(created)}"
    hdr2_body = f"F0200000100{' ' * 35}00"
    lines = [
        _label(f"VOL1{serial} {' ' * 20}{' ' * 6}{' ' * 4}{sun}{' ' * 4}{' ' * 28}1"),
        _label(f"HDR1{hdr1_body}"),
        _label(f"HDR2{hdr2_body}"),
        _label(uhl1),
        *records,
        _label(f"EOF1{hdr1_body}"),
        _label(f"EOF2{hdr2_body}"),
        _label(f"UTL1{total:013d}{total:013d}{contras:07d}{len(payments):07d}"),
    ]
    return CRLF.join(lines) + CRLF


# --- reading a file back ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bacs18Record:
    """One 100-character data record, its fields as written (text fields with trailing spaces removed)."""

    dest_sort_code: str
    dest_account: str
    account_type: str
    transaction_code: str
    orig_sort_code: str
    orig_account: str
    free: str
    amount: int
    originator_name: str
    reference: str
    dest_name: str

    @classmethod
    def parse(cls, line: str) -> Bacs18Record:
        return cls(
            dest_sort_code=line[0:6],
            dest_account=line[6:14],
            account_type=line[14:15],
            transaction_code=line[15:17],
            orig_sort_code=line[17:23],
            orig_account=line[23:31],
            free=line[31:35],
            amount=int(line[35:46]),
            originator_name=line[46:64].rstrip(),
            reference=line[64:82].rstrip(),
            dest_name=line[82:100].rstrip(),
        )


@dataclass(frozen=True, slots=True)
class Bacs18File:
    serial: str
    service_user_number: str
    creation_date: date
    processing_date: date
    work_code: str
    credits: tuple[Bacs18Record, ...]
    contras: tuple[Bacs18Record, ...]
    debit_total: int
    credit_total: int
    debit_count: int
    credit_count: int


def _from_julian(text: str, what: str) -> date:
    if len(text) != 6 or text[0] != " " or not text[1:].isdigit():
        raise Bacs18Error(f"{what} {text!r} is not ' YYDDD'")
    year, day = 2000 + int(text[1:3]), int(text[3:6])
    start = date(year, 1, 1)
    result = start + timedelta(days=day - 1)
    if day < 1 or result.year != year:
        raise Bacs18Error(f"{what} {text!r} is not a day of 20{text[1:3]}")
    return result


def parse_bacs18(text: str) -> Bacs18File:
    """Read a single-day Standard 18 credit file back and check it: label and record lengths, the
    labels in order, the header and trailer labels agreeing, every amount numeric, the contras equal
    to the credits, and UTL1's totals and counts equal to the records. Raises :class:`Bacs18Error`
    listing every problem found."""
    problems: list[str] = []
    if not text.endswith("\n"):
        problems.append("the last line does not end with CRLF")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line.endswith("\r"):
            problems.append(f"line {number} does not end with CRLF")
            break
    lines = [line.removesuffix("\r") for line in lines]
    if any("\r" in line for line in lines):
        problems.append("a line holds a stray carriage return")
    if len(lines) < 8:
        raise Bacs18Error(
            "; ".join([*problems, f"a BACS file has at least 8 lines, this one has {len(lines)}"])
        )
    labels = lines[:4] + lines[-3:]
    expected = ["VOL1", "HDR1", "HDR2", "UHL1", "EOF1", "EOF2", "UTL1"]
    for label, name in zip(labels, expected, strict=True):
        if not label.startswith(name):
            problems.append(f"expected a {name} label, found {label[:4]!r}")
        if len(label) != LABEL_LENGTH:
            problems.append(f"the {name} label has {len(label)} characters, not {LABEL_LENGTH}")
    if problems:
        raise Bacs18Error("; ".join(problems))
    vol1, hdr1, hdr2, uhl1, eof1, eof2, utl1 = labels

    serial, sun = vol1[4:10], vol1[41:47]
    if vol1[79] != "1":
        problems.append("VOL1 does not end with label standard level '1'")
    if hdr1[4] != "A" or hdr1[5:11] != sun or hdr1[11] != "S":
        problems.append("HDR1's file identifier does not carry VOL1's service user number")
    if hdr1[21:27] != serial:
        problems.append("HDR1's set identification is not VOL1's serial")
    if eof1[4:] != hdr1[4:]:
        problems.append("EOF1 does not repeat HDR1")
    if eof2[4:] != hdr2[4:]:
        problems.append("EOF2 does not repeat HDR2")
    if hdr2[4:15] != "F0200000100":
        problems.append(f"HDR2 does not describe fixed 100-character records: {hdr2[4:15]!r}")
    creation = processing = date.min
    try:
        creation = _from_julian(hdr1[41:47], "HDR1 creation date")
        processing = _from_julian(uhl1[4:10], "UHL1 processing day")
    except Bacs18Error as error:
        problems.append(str(error))
    work_code = uhl1[28:37]
    if work_code != WORK_CODE:
        problems.append(f"UHL1 work code {work_code!r} is not {WORK_CODE!r}")

    credits: list[Bacs18Record] = []
    contras: list[Bacs18Record] = []
    for number, line in enumerate(lines[4:-3], start=1):
        if len(line) != RECORD_LENGTH:
            problems.append(f"data record {number} has {len(line)} characters, not {RECORD_LENGTH}")
            continue
        if not (line[0:14].isdigit() and line[17:31].isdigit() and line[35:46].isdigit()):
            problems.append(f"data record {number} has a non-numeric sort code, account or amount")
            continue
        record = Bacs18Record.parse(line)
        if set(line) - ALLOWED:
            problems.append(f"data record {number} has characters BACS does not accept")
        if record.transaction_code == CREDIT:
            credits.append(record)
        elif record.transaction_code == CONTRA_DEBIT:
            contras.append(record)
        else:
            problems.append(f"data record {number} has transaction code {record.transaction_code!r}")

    fields = utl1[4:44]
    if not fields.isdigit():
        raise Bacs18Error("; ".join([*problems, "UTL1's totals and counts are not all digits"]))
    debit_total, credit_total = int(utl1[4:17]), int(utl1[17:30])
    debit_count, credit_count = int(utl1[30:37]), int(utl1[37:44])
    credits_sum = sum(record.amount for record in credits)
    contras_sum = sum(record.amount for record in contras)
    if contras_sum != credits_sum:
        problems.append(f"the contras total {contras_sum} pence but the credits {credits_sum}")
    if credit_total != credits_sum:
        problems.append(f"UTL1 credit total {credit_total} is not the credits' sum {credits_sum}")
    if debit_total != contras_sum:
        problems.append(f"UTL1 debit total {debit_total} is not the contras' sum {contras_sum}")
    if credit_count != len(credits):
        problems.append(f"UTL1 credit count {credit_count} is not the {len(credits)} credit records")
    if debit_count != len(contras):
        problems.append(f"UTL1 debit count {debit_count} is not the {len(contras)} contra records")
    if problems:
        raise Bacs18Error("; ".join(problems))
    return Bacs18File(
        serial=serial,
        service_user_number=sun,
        creation_date=creation,
        processing_date=processing,
        work_code=work_code,
        credits=tuple(credits),
        contras=tuple(contras),
        debit_total=debit_total,
        credit_total=credit_total,
        debit_count=debit_count,
        credit_count=credit_count,
    )
