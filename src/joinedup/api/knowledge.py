"""The knowledge base over JSON, read only: a partner's articles (published ones for every
member; drafts too for agents who write the knowledge base there), a search over them ranked as
``servicedesk.knowledge.search`` ranks it, and one article with its text.

Articles are read through a partner: ``/servicedesk/partners/{partner_id}/articles``. An article
not for that partner, or a draft to a reader who may not see drafts, answers 404."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.partnership.selectors import partner_for
from joinedup.servicedesk import knowledge
from joinedup.servicedesk.models import Article

router = Router(tags=["servicedesk"])


class ArticleOut(Schema):
    id: int
    service: str
    title: str
    summary: str
    keywords: str
    published: bool
    version: int
    updated_at: datetime
    score: int | None = None


class BlockOut(Schema):
    kind: str
    items: list[str]


class ArticleDetailOut(ArticleOut):
    body: str
    blocks: list[BlockOut]
    partners: list[str]


def _article(article: Article, score: int | None = None) -> dict[str, Any]:
    return {
        "id": article.pk,
        "service": article.service,
        "title": article.title,
        "summary": article.summary,
        "keywords": article.keywords,
        "published": article.published,
        "version": article.version,
        "updated_at": article.updated_at,
        "score": score,
    }


@router.get("/servicedesk/partners/{partner_id}/articles", response=list[ArticleOut])
@paginate(Pages, page_size=50)
def list_articles(request: HttpRequest, partner_id: int, q: str = "", service: str = "") -> Any:
    """The partner's articles by service and title; with ``q``, those containing every word of
    it, best first (``score``: title 8, keywords 5, summary 3, body 1 per word)."""
    partner = partner_for(request.user, partner_id=partner_id)
    service = service if service in knowledge.SERVICES else ""
    if q.strip():
        return [
            _article(h.article, h.score)
            for h in knowledge.search(request.user, partner=partner, query=q[:200], service=service)
        ]
    return [
        _article(a) for a in knowledge.articles_visible_to(request.user, partner=partner, service=service)
    ]


@router.get("/servicedesk/partners/{partner_id}/articles/{article_id}", response=ArticleDetailOut)
def get_article(request: HttpRequest, partner_id: int, article_id: int) -> dict[str, Any]:
    """One article: its plain text (``body``) and the same split into paragraphs and lists."""
    partner = partner_for(request.user, partner_id=partner_id)
    found = knowledge.article_for(request.user, partner=partner, article_id=article_id)
    # Which partners an article is restricted to is told only as far as the reader's own: the
    # codes of the others are not theirs to learn.
    own = {p.pk for p in found.partners.all()} & {partner.pk}
    return {
        **_article(found),
        "body": found.body,
        "blocks": [{"kind": b.kind, "items": list(b.items)} for b in knowledge.body_blocks(found.body)],
        "partners": [partner.code] if own else [],
    }
