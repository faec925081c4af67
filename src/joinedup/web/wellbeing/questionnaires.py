"""Questionnaires on a case's pages: the clinician's page (those sent, with the answers, totals,
bands and alert questions, and the form to send one), and the employee's answer page.

The clinician's page reads clinical content, so each GET is one ``CaseAccessEvent`` (part
``questionnaires``), written by ``questionnaires.case_questionnaires``; the case page only links
here. The employee reaches theirs from their own case ("My occupational health"), answers it once,
and sees their own answers after (not the score, which is the clinician's to explain). A case or a
questionnaire is found before any form is read: another partner's, or a colleague's, answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.web.forms import submit
from joinedup.wellbeing import questionnaires, scoring, selectors
from joinedup.wellbeing.models import CaseStatus


def _choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    return [(key, scoring.questionnaire_on(key, today).title) for key in scoring.questionnaire_keys()]


class SendForm(forms.Form):
    key = forms.ChoiceField(label="Questionnaire", choices=_choices)


@login_required
def questionnaire_list(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    user = request.user
    case = selectors.case_for(user, case_id=oh_case_id)
    posted = request.method == "POST"
    form = SendForm(request.POST if posted else None)
    if posted and form.is_valid():
        key = form.cleaned_data["key"]
        if (
            submit(form, lambda: questionnaires.questionnaire_send(actor=user, case=case, key=key))
            is not None
        ):
            messages.success(request, "Questionnaire sent: the employee answers it from their own case.")
            return redirect("web:wellbeing_questionnaires", oh_case_id=case.pk)
    return render(
        request,
        "web/wellbeing/questionnaires.html",
        {
            "case": case,
            "sent": questionnaires.case_questionnaires(user, case_id=case.pk),
            "form": form,
            "open": case.status != CaseStatus.CLOSED,
        },
    )


@login_required
def my_questionnaire(request: HttpRequest, oh_questionnaire_id: int) -> HttpResponse:
    user = request.user
    sent = questionnaires.my_questionnaire(user, questionnaire_id=oh_questionnaire_id)
    asked = questionnaires.definition(sent)
    error = ""
    if request.method == "POST":
        try:
            answers = [int(request.POST.get(f"q{n}", "")) for n in range(1, len(asked.questions) + 1)]
        except ValueError:
            error = f"Answer all {len(asked.questions)} questions."
        else:
            try:
                questionnaires.questionnaire_answer(actor=user, questionnaire=sent, answers=answers)
            except ValidationError as exc:
                error = " ".join(m for ms in exc.message_dict.values() for m in ms)
            else:
                messages.success(request, "Thank you: your answers are with your clinician.")
                return redirect("web:wellbeing_my_case", oh_case_id=sent.case_id)
    [read] = [q for q in questionnaires.my_questionnaires(user, case_id=sent.case_id) if q.id == sent.pk]
    return render(
        request,
        "web/wellbeing/my_questionnaire.html",
        {
            "q": read,
            "case_id": sent.case_id,
            "may_answer": read.answered_at is None and sent.case.status != CaseStatus.CLOSED,
            "error": error,
        },
    )
