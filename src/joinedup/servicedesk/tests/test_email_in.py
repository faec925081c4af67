"""Reading replies to ticket notifications (servicedesk/email_in.py): real RFC 822 messages as
mail clients send them: plain text, multipart/alternative, Outlook's quoted block, ISO-8859-1
quoted-printable, base64 bodies and attachments, encoded headers (RFC 2047, RFC 2231)."""

from __future__ import annotations

import base64

from joinedup.servicedesk import email_in
from joinedup.servicedesk.notifications import ticket_subject

PLAIN = b"""\
Return-Path: <mary.seacole@wessex.gov.uk>
From: Mary Seacole <Mary.Seacole@Wessex.gov.uk>
To: Service Desk <desk@shared.example>
Subject: Re: [WCC-000123] Your laptop will not start
Message-ID: <reply-1@wessex.gov.uk>
Date: Tue, 1 Dec 2026 10:15:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

Thanks, it starts now.
I held the power button for 30 seconds.

On Tue, 1 Dec 2026 at 09:00, Wessex Shared Services Desk <desk@shared.example> wrote:
> Please hold the power button for 30 seconds.
>
> Desk
"""

GMAIL_WRAPPED = b"""\
From: a.person@example.org
Subject: Re: [wcc-000124] Access to the HR folder
Content-Type: text/plain; charset=utf-8

Yes, read only is enough.

--\x20
A Person
Team leader

On Tue, 1 Dec 2026 at 09:00, Wessex Shared Services Desk <desk@shared.example>
wrote:
> Do you need to change the files?
"""

OUTLOOK = b"""\
From: "Smith, John" <John.Smith@wessex.police.uk>
Subject: RE: [WPOL-000042] Payslip query
Content-Type: text/plain; charset="us-ascii"

The overtime is from October, not November.

Regards
John

________________________________
From: Service Desk <desk@shared.example>
Sent: 01 December 2026 09:00
To: Smith, John <John.Smith@wessex.police.uk>
Subject: [WPOL-000042] Payslip query

Which month is the overtime for?
"""

MULTIPART = b"""\
From: Ada Lovelace <ada@wessex.gov.uk>
Subject: Re: [WCC-000200] New starter
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="utf-8"

The start date is 4 January.

> When does she start?
--alt
Content-Type: text/html; charset="utf-8"

<html><body><p>The start date is <b>4 January</b>.</p>
<blockquote>When does she start?</blockquote></body></html>
--alt--
"""

HTML_ONLY = b"""\
From: ada@wessex.gov.uk
Subject: Re: [WCC-000201] Monitor
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"

<html><head><style>p {color: red}</style><script>alert("x")</script></head>
<body><p>Two screens please:</p><ul><li>one 24&quot;</li><li>one 27&quot; &amp; a stand</li></ul>
<div>Thanks<br>Ada</div><blockquote>Which monitor?</blockquote></body></html>
"""

LATIN1 = (
    b"From: =?iso-8859-1?q?Ren=E9e_Fran=E7ois?= <renee@wessex.gov.uk>\n"
    b"Subject: =?iso-8859-1?q?Re=3A_=5BWCC-000300=5D_Caf=E9_expenses?=\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=iso-8859-1\n"
    b"Content-Transfer-Encoding: quoted-printable\n"
    b"\n"
    b"Le re=E7u co=FBte =A312,50.\n"
)

_PDF = b"%PDF-1.4 receipt"
_BODY = base64.encodebytes("Receipt attached — £12.50.\n".encode()).decode()
_ATTACHED = base64.encodebytes(_PDF).decode()
BASE64_WITH_ATTACHMENT = f"""\
From: renee@wessex.gov.uk
Subject: Re: [WCC-000301] Receipt
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{_BODY}
--mixed
Content-Type: application/pdf; name="receipt.pdf"
Content-Disposition: attachment; filename*=utf-8''re%C3%A7u%20%C2%A312.pdf
Content-Transfer-Encoding: base64

{_ATTACHED}
--mixed
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="../../etc/passwd"
Content-Transfer-Encoding: base64

{base64.encodebytes(b"root").decode()}
--mixed--
""".encode()

AUTO_REPLY = b"""\
From: someone@wessex.gov.uk
Subject: Automatic reply: [WCC-000123] Your laptop
Auto-Submitted: auto-replied
Content-Type: text/plain

I am out of the office until Monday.
"""


def test_it_reads_the_sender_reference_and_new_text_of_a_plain_reply() -> None:
    message = email_in.parse(PLAIN)
    assert message.sender == "mary.seacole@wessex.gov.uk"
    assert message.reference == "WCC-000123"
    assert message.subject == "Re: [WCC-000123] Your laptop will not start"
    assert message.new_text == "Thanks, it starts now.\nI held the power button for 30 seconds."
    assert "Please hold the power button" in message.full_text
    assert message.message_id == "<reply-1@wessex.gov.uk>"
    assert message.attachments == ()
    assert message.automatic is False


def test_it_cuts_a_signature_and_an_on_wrote_line_wrapped_onto_two_lines() -> None:
    message = email_in.parse(GMAIL_WRAPPED)
    assert message.reference == "WCC-000124"  # upper-cased from the subject's "[wcc-000124]"
    assert message.new_text == "Yes, read only is enough."


def test_it_cuts_outlooks_quoted_block_from_the_underscores() -> None:
    message = email_in.parse(OUTLOOK)
    assert message.sender == "john.smith@wessex.police.uk"
    assert message.reference == "WPOL-000042"
    assert message.new_text == "The overtime is from October, not November.\n\nRegards\nJohn"


def test_it_cuts_outlooks_block_without_underscores_and_its_original_message_line() -> None:
    text = "Done.\n\nFrom: Desk <desk@shared.example>\nSent: Monday\nTo: Me\n\nOld text\n"
    assert email_in.strip_quoted(text) == "Done."
    assert email_in.strip_quoted("Done.\n-----Original Message-----\nFrom: x\nOld\n") == "Done."
    # A "From:" line of the reply's own text, with no Sent/Date after it, is kept.
    assert (
        email_in.strip_quoted("From: my desk phone\nit still fails") == "From: my desk phone\nit still fails"
    )


def test_it_keeps_the_new_lines_between_interleaved_quotes() -> None:
    text = "> Which floor?\nThe third.\n> Which room?\nRoom 301.\n"
    assert email_in.strip_quoted(text) == "The third.\nRoom 301."


def test_it_prefers_the_text_part_of_multipart_alternative() -> None:
    message = email_in.parse(MULTIPART)
    assert message.reference == "WCC-000200"
    assert message.new_text == "The start date is 4 January."
    assert "<" not in message.full_text
    assert message.attachments == ()


def test_it_reads_the_text_of_an_html_only_message_without_any_markup_or_script() -> None:
    message = email_in.parse(HTML_ONLY)
    assert message.new_text == 'Two screens please:\n\n- one 24"\n- one 27" & a stand\n\nThanks\nAda'
    assert "alert" not in message.full_text and "color" not in message.full_text
    assert "Which monitor" not in message.full_text  # the quoted reply sits in a blockquote


def test_it_decodes_iso_8859_1_headers_and_quoted_printable_text() -> None:
    message = email_in.parse(LATIN1)
    assert message.sender == "renee@wessex.gov.uk"
    assert message.subject == "Re: [WCC-000300] Café expenses"
    assert message.reference == "WCC-000300"
    assert message.new_text == "Le reçu coûte £12,50."


def test_it_decodes_base64_text_and_returns_attachments_with_safe_names() -> None:
    message = email_in.parse(BASE64_WITH_ATTACHMENT)
    assert message.new_text == "Receipt attached — £12.50."
    assert [(a.name, a.content, a.content_type) for a in message.attachments] == [
        ("reçu £12.pdf", _PDF, "application/pdf"),
        ("passwd", b"root", "application/octet-stream"),  # no folders from outside
    ]


def test_it_marks_auto_replies_so_that_they_are_not_appended() -> None:
    assert email_in.parse(AUTO_REPLY).automatic is True
    assert email_in.parse(AUTO_REPLY).reference == "WCC-000123"


def test_a_subject_without_a_reference_gives_none() -> None:
    assert email_in.reference_in("Help with my laptop") is None
    assert email_in.reference_in("Re: [WCC-123] too short") is None
    assert email_in.reference_in("Fwd: Re: [WFRS-0001234] x") == "WFRS-0001234"


def test_an_unknown_charset_is_read_with_replacement_characters_not_refused() -> None:
    raw = b"From: x@example.org\nSubject: s\nContent-Type: text/plain; charset=x-unknown\n\nGood caf\xe9\n"
    assert email_in.parse(raw).new_text == "Good caf\ufffd"


def test_the_reference_a_notification_sends_is_the_one_a_reply_gives_back() -> None:
    subject = ticket_subject("WCC-000123", "Reply to  your request")
    assert subject == "[WCC-000123] Reply to your request"
    assert email_in.reference_in(f"RE: {subject}") == "WCC-000123"
