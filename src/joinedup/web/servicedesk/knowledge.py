"""The knowledge base's pages, under /servicedesk/help/: search and browse for every member of
the current partner, an article with its text as paragraphs and lists (plain text, escaped),
and writing and changing articles for agents who hold ``servicedesk.knowledge``.

An article the reader may not see for the current partner (another partner's, or a draft to
someone who does not write the knowledge base) answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.servicedesk import knowledge
from joinedup.servicedesk.models import KNOWLEDGE_SERVICES, Article
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.forms import GovukForm, choice_field, submit, text_field


class ArticleForm(GovukForm):
    service = choice_field("Service", KNOWLEDGE_SERVICES)
    title = text_field("Title", max_length=200)
    summary = text_field("Summary (optional)", max_length=400, required=False)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea,
        help_text="Plain text. Leave a blank line between paragraphs; start lines with - for a "
        "list, or 1. for a numbered one.",
        error_messages={"required": "Enter the article's text."},
        max_length=50_000,
    )
    keywords = text_field("Keywords (optional)", max_length=400, required=False)
    published = forms.BooleanField(label="Published (readers see it)", required=False)
    partners = forms.TypedMultipleChoiceField(
        label="Only for these partners (none: every partner)", coerce=int, required=False, choices=[]
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = partners  # type: ignore[attr-defined]  # a ChoiceField


def _writable_partners(user: Any) -> list[tuple[int, str]]:
    ids = partner_ids_with(user, "servicedesk.knowledge")
    return [(p.pk, p.name) for p in Partner.objects.filter(pk__in=ids, active=True).order_by("name")]


class HelpFilters(forms.Form):
    q = listing.filter_text("Search the help articles")
    service = listing.filter_choice("Service", KNOWLEDGE_SERVICES, every="Every service")


HELP_SORTS = {
    "service": ("service", "title", "pk"),
    "title": ("title", "pk"),
    "updated": ("updated_at", "pk"),
}


def _ranked(found: QuerySet[Article], hits: list[knowledge.SearchHit]) -> QuerySet[Article]:
    """The search's hits, each with its place in the search's order (best first) as ``rank``."""
    places = [When(pk=hit.article.pk, then=Value(place)) for place, hit in enumerate(hits)]
    rank = Case(*places, default=Value(len(hits)), output_field=IntegerField())
    return found.filter(pk__in=[hit.article.pk for hit in hits]).annotate(rank=rank)


@login_required
def help_home(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request)
    filters = HelpFilters(request.GET)
    given = listing.chosen(filters)
    query, service = given.get("q", ""), given.get("service", "")
    found = knowledge.articles_visible_to(request.user, partner=partner, service=service)
    sorts: dict[str, tuple[str, ...]] = dict(HELP_SORTS)
    if query:
        # A search keeps its rank (knowledge.search), best match first, until a heading re-sorts.
        found = _ranked(found, knowledge.search(request.user, partner=partner, query=query, service=service))
        sorts = {"relevance": ("rank", "pk"), **HELP_SORTS}
    listed = listing.list_page(
        request,
        found,
        sorts=sorts,
        default="relevance" if query else "service",
        form=filters,
        download=listing.Download(
            ["title", "service", "summary", "published", "updated_at"],
            lambda a: [a.title, a.get_service_display(), a.summary, a.published, a.updated_at],
            f"help-articles-{partner.code.lower()}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/servicedesk/help.html",
        {
            **listed.context(),
            "partner": partner,
            "query": query,
            "may_write": knowledge.may_edit(request.user, None, partner=partner),
        },
    )


@login_required
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    partner = partner_page(request)
    found = knowledge.article_for(request.user, partner=partner, article_id=article_id)
    may_edit = knowledge.may_edit(request.user, found, partner=partner)
    return render(
        request,
        "web/servicedesk/article.html",
        {
            "partner": partner,
            "article": found,
            "service_name": knowledge.SERVICES.get(found.service, found.service),
            "blocks": knowledge.body_blocks(found.body),
            "may_edit": may_edit,
            "versions": list(knowledge.versions_of(found)) if may_edit else [],
        },
    )


def _save(request: HttpRequest, partner: Partner, found: Article | None) -> HttpResponse:
    choices = _writable_partners(request.user)
    initial: dict[str, Any] = {}
    if found is not None:
        initial = {
            "service": found.service,
            "title": found.title,
            "summary": found.summary,
            "body": found.body,
            "keywords": found.keywords,
            "published": found.published,
            "partners": list(found.partners.values_list("pk", flat=True)),
        }
    form = ArticleForm(request.POST if request.method == "POST" else None, initial=initial, partners=choices)
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        data["partners"] = list(Partner.objects.filter(pk__in=data["partners"]).order_by("pk"))
        if found is None:
            saved = submit(form, lambda: knowledge.article_create(actor=request.user, **data))
        else:
            saved = submit(form, lambda: knowledge.article_edit(actor=request.user, article=found, **data))
        if saved is not None:
            messages.success(request, f"Saved: version {saved.version}.")
            return redirect("web:servicedesk_article", article_id=saved.pk)
    return render(
        request, "web/servicedesk/article_form.html", {"partner": partner, "form": form, "article": found}
    )


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "servicedesk.knowledge")
    return _save(request, partner, None)


@login_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    partner = partner_page(request)
    found = knowledge.article_for(request.user, partner=partner, article_id=article_id)
    if not knowledge.may_edit(request.user, found, partner=partner):
        raise PermissionDenied("You do not write this article.")
    return _save(request, partner, found)


urlpatterns = [
    path("", help_home, name="servicedesk_help"),
    path("new", article_new, name="servicedesk_article_new"),
    path("<int:article_id>/", article, name="servicedesk_article"),
    path("<int:article_id>/edit", article_edit, name="servicedesk_article_edit"),
]
