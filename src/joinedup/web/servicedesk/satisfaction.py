"""The satisfaction question's page, /servicedesk/satisfaction/<token>/ (issue 15): the link in a
resolution's notification and email. servicedesk/satisfaction.py says why opening it records
nothing: a GET shows the question (with the answer the link names, ``?score=``, as the first
button) and each answer is a POST button, so the one click that records is the requester's own.
After it, an optional comment. Anyone but the ticket's requester gets 404; a bad or expired link
a plain message and no form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.servicedesk import satisfaction
from joinedup.servicedesk.models import SatisfactionScore
from joinedup.web.forms import outcome


@login_required
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = satisfaction.survey_for(request.user, token=token)
    except satisfaction.SurveyLinkError as bad:
        return render(request, "web/servicedesk/satisfaction.html", {"link_error": bad.message}, status=400)
    error = ""
    if request.method == "POST":
        sent = request.POST.get("form", "answer")
        score: object = request.POST.get("score", "")
        comment: str | None = None
        if sent == "comment":
            comment = request.POST.get("comment", "")
            score = survey.answer.score if survey.answer is not None else score
        found = survey
        done, error = outcome(
            lambda: satisfaction.answer_satisfaction(
                actor=request.user,
                ticket=found.ticket,
                resolution=found.resolution,
                score=satisfaction.score_of(score),
                comment=comment,
            )
        )
        if done is not None:
            saved = "your comment is saved" if sent == "comment" else "your answer is saved"
            messages.success(request, f"Thank you: {saved}.")
            return redirect("web:servicedesk_satisfaction", token=token)
        survey = satisfaction.survey_for(request.user, token=token)
    chosen = request.GET.get("score", "")
    choices = list(SatisfactionScore.choices)
    preferred = next((c for c in choices if str(c[0]) == chosen), None)
    if preferred is not None:
        choices = [preferred, *(c for c in choices if c != preferred)]
    return render(
        request,
        "web/servicedesk/satisfaction.html",
        {
            "survey": survey,
            "question": satisfaction.QUESTION,
            "choices": choices,
            "preferred": preferred[0] if preferred is not None else None,
            "answer_label": SatisfactionScore(survey.answer.score).label if survey.answer is not None else "",
            "error": error,
            "comment_limit": satisfaction.COMMENT_LIMIT,
        },
        status=400 if error else 200,
    )
