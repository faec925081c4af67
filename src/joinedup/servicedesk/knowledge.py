"""The knowledge base: articles per service that every member reads and agents write.

Who sees what. An article is for every partner (no ``partners``) or only for the partners it
names; a reader working for partner P sees the published articles for every partner and those
naming P, and an agent holding ``servicedesk.knowledge`` on P sees the drafts among them too.
Anything else answers 404, so one partner's staff never learn of another's articles.

Who writes. An agent holding ``servicedesk.knowledge`` on a partner may write an article for
every partner; an article restricted to partners needs that permission on each of them, before
and after the change. Every save keeps the text as an ``ArticleVersion`` and records one audit
event on the global chain (an article is the shared-services body's, not one partner's).

Search (``search``) is a portable ranked search, chosen over PostgreSQL full-text search: a
knowledge base holds hundreds of articles, not millions, so reading the candidates that contain
a query word (one indexed ``LIKE`` query per search) and ranking them in Python costs
milliseconds, and it gives the same results in the same order on SQLite and PostgreSQL. Full-text
search would stem and weigh words differently from anything SQLite can do, so the ranking tests
would pass on one database and not the other. The rank: a query word in the title weighs 8, in
the keywords 5, in the summary 3, in the body 1 (once per field); words match whole words or, from
three letters, the start of one ("print" finds "printer"); an article must match every query
word (ignoring stop words), and ties go to the most recently updated, then the title.

The body is plain text, never HTML: ``body_blocks`` splits it into paragraphs and lists for the
templates, which escape every character."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.servicedesk.models import KNOWLEDGE_SERVICES, Article, ArticleVersion

NOT_FOUND = "No such article."
SERVICES = dict(KNOWLEDGE_SERVICES)

# --- the body: plain text in, blocks out ---------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind`` "p", one item: its lines joined), or a list ("ul" bullets, "ol"
    numbered) with its items. Text only: the template escapes it."""

    kind: str
    items: tuple[str, ...]


def body_blocks(text: str) -> list[Block]:
    """Paragraphs are separated by blank lines; consecutive lines starting "- ", "* " or "• "
    make a bulleted list, and "1. " or "1) " a numbered one. Anything else is paragraph text."""
    blocks: list[Block] = []
    kind = ""
    items: list[str] = []

    def flush() -> None:
        nonlocal kind, items
        if items:
            blocks.append(Block(kind, (" ".join(items),) if kind == "p" else tuple(items)))
        kind, items = "", []

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        found = "ul" if bullet else "ol" if numbered else "p"
        if found == "p" and kind in ("ul", "ol") and raw[:1].isspace():
            items[-1] = f"{items[-1]} {line.strip()}"  # an indented line continues the list item
            continue
        if found != kind:
            flush()
            kind = found
        if bullet or numbered:
            items.append((bullet or numbered).group(1).strip())  # type: ignore[union-attr]
        else:
            items.append(line.strip())
    flush()
    return blocks


# --- reads ---------------------------------------------------------------------------------------------


def _through() -> Any:
    return Article.partners.through.objects


def articles_visible_to(user: Any, *, partner: Partner, service: str = "") -> QuerySet[Article]:
    """The articles ``user`` may read while working for ``partner``: published ones for every
    partner or naming it, and its drafts too for an agent who writes the knowledge base there."""
    authorise(user, "partnership.view", partner)
    restricted = Exists(_through().filter(article_id=OuterRef("pk")))
    for_partner = Exists(_through().filter(article_id=OuterRef("pk"), partner_id=partner.pk))
    found = Article.objects.filter(~restricted | for_partner)
    if not has_permission(user, "servicedesk.knowledge", partner):
        found = found.filter(published=True)
    if service:
        found = found.filter(service=service)
    return found.order_by("service", "title", "pk")


def article_for(user: Any, *, partner: Partner, article_id: int) -> Article:
    """One article ``user`` may read for ``partner``; any other answers 404."""
    found = articles_visible_to(user, partner=partner).filter(pk=article_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def may_edit(user: Any, article: Article | None, *, partner: Partner) -> bool:
    """Whether ``user`` may write ``article`` (None: a new one) while working for ``partner``."""
    if not has_permission(user, "servicedesk.knowledge", partner):
        return False
    if article is None:
        return True
    held = set(partner_ids_with(user, "servicedesk.knowledge"))
    return set(article.partners.values_list("pk", flat=True)) <= held


def versions_of(article: Article) -> QuerySet[ArticleVersion]:
    """The article's saved texts, newest first (read only after ``article_for``)."""
    return article.versions.select_related("edited_by").order_by("-number")


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: int


RIGHT_QUOTE = "\u2019"  # the apostrophe word processors type
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)
WEIGHTS = (("title", 8), ("keywords", 5), ("summary", 3), ("body", 1))
MAX_QUERY_WORDS = 8


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters and digits; apostrophes inside a word kept)."""
    return [w.replace(RIGHT_QUOTE, "'") for w in _WORD.findall(text.casefold())]


def query_words(query: str) -> list[str]:
    """The words searched for: stop words and repeats dropped, at most eight."""
    seen: list[str] = []
    for word in words(query):
        if word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def _matches(word: str, field_words: Iterable[str]) -> bool:
    if len(word) < 3:
        return word in field_words
    return any(w == word or w.startswith(word) for w in field_words)


def score(article: Article, wanted: list[str]) -> int:
    """The article's rank for the query words (0: it lacks one of them)."""
    fields = {name: set(words(getattr(article, name))) for name, _ in WEIGHTS}
    total = 0
    for word in wanted:
        found = sum(weight for name, weight in WEIGHTS if _matches(word, fields[name]))
        if not found:
            return 0
        total += found
    return total


def search(user: Any, *, partner: Partner, query: str, service: str = "", limit: int = 50) -> list[SearchHit]:
    """The articles ``user`` may read for ``partner`` that contain every word of ``query``, best
    first (see the module's docstring for the rank)."""
    wanted = query_words(query)
    if not wanted:
        return []
    candidates = articles_visible_to(user, partner=partner, service=service)
    for word in wanted:
        # The database narrows to articles containing each word somewhere; the rank decides.
        candidates = candidates.filter(
            Q(title__icontains=word)
            | Q(keywords__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
        )
    hits = [SearchHit(a, s) for a in candidates[:1000] if (s := score(a, wanted))]
    hits.sort(key=lambda h: (-h.score, -h.article.updated_at.timestamp(), h.article.title, h.article.pk))
    return hits[:limit]


# --- writes --------------------------------------------------------------------------------------------


def _authorise_write(actor: Any, partners: Iterable[Partner]) -> None:
    if isinstance(actor, SystemActor):
        return
    restricted = list(partners)
    for partner in restricted:
        authorise(actor, "servicedesk.knowledge", partner)
    if not restricted and not partner_ids_with(actor, "servicedesk.knowledge"):
        raise PermissionDenied("You do not write the knowledge base for any partner.")


def _clean(*, service: str, title: str, body: str, partners: list[Partner]) -> None:
    errors: dict[str, str] = {}
    if service not in SERVICES:
        errors["service"] = "Choose one of the services."
    if not title.strip():
        errors["title"] = "Enter a title."
    if not body.strip():
        errors["body"] = "Enter the article's text."
    if any(not p.active for p in partners):
        errors["partners"] = "Choose only active partners."
    if errors:
        raise ValidationError(errors)


def _state(article: Article, partners: list[Partner]) -> dict[str, Any]:
    return {
        "service": article.service,
        "title": article.title,
        "published": article.published,
        "version": article.version,
        "partners": sorted(p.code for p in partners),
    }


def _person(actor: Any) -> Any:
    """The user who wrote, or None for the system (which the audit event names)."""
    return None if isinstance(actor, SystemActor) else actor


def _keep(article: Article, actor: Any) -> None:
    ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        keywords=article.keywords,
        published=article.published,
        edited_by=_person(actor),
        edited_at=article.updated_at,
    )


@transaction.atomic
def article_create(
    *,
    actor: Any,
    service: str,
    title: str,
    body: str,
    summary: str = "",
    keywords: str = "",
    published: bool = False,
    partners: list[Partner] | None = None,
) -> Article:
    """Write a new article (a draft unless ``published``), for every partner or only ``partners``."""
    chosen = list(partners or [])
    _authorise_write(actor, chosen)
    _clean(service=service, title=title, body=body, partners=chosen)
    article = Article.objects.create(
        service=service,
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        keywords=keywords.strip(),
        published=published,
        created_by=_person(actor),
    )
    article.partners.set(chosen)
    _keep(article, actor)
    record_event(
        actor=actor,
        partner=None,
        action="servicedesk.article_created",
        target=article,
        after=_state(article, chosen),
    )
    return article


@transaction.atomic
def article_edit(
    *,
    actor: Any,
    article: Article,
    service: str,
    title: str,
    body: str,
    summary: str = "",
    keywords: str = "",
    published: bool = False,
    partners: list[Partner] | None = None,
) -> Article:
    """Change an article: its previous text stays as the version before, and the new text is the
    next version. Restricting it needs the permission on every partner before and after."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    before_partners = list(article.partners.order_by("pk"))
    chosen = list(partners or [])
    _authorise_write(actor, before_partners)
    _authorise_write(actor, chosen)
    _clean(service=service, title=title, body=body, partners=chosen)
    before = _state(article, before_partners)
    article.service = service
    article.title = title.strip()
    article.summary = summary.strip()
    article.body = body.strip()
    article.keywords = keywords.strip()
    article.published = published
    article.version += 1
    article.updated_at = timezone.now()
    article.save()
    article.partners.set(chosen)
    _keep(article, actor)
    record_event(
        actor=actor,
        partner=None,
        action="servicedesk.article_edited",
        target=article,
        before=before,
        after=_state(article, chosen),
    )
    return article
