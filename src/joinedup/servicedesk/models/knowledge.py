"""knowledge: the knowledge base (issue 15). Articles are the shared-services body's, written by
its agents and read by the partners' staff: an article is for every partner, or only for the
partners named in ``partners`` (one partner's staff never see an article meant only for
another). Every save keeps the text it replaced as an ``ArticleVersion``.

Articles are not partner-owned rows (one article serves several partners), so they use Django's
plain manager; every read goes through ``servicedesk.knowledge``'s selectors, which filter by
the reader's partner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.servicedesk.models.tickets import Service

__all__ = ["KNOWLEDGE_SERVICES", "Article", "ArticleVersion"]

# The tickets' ``Service`` choices (SERVICEDESK-CONTRACT.md), under the name the knowledge base's
# code reads them by.
KNOWLEDGE_SERVICES: list[tuple[str, str]] = Service.choices


class Article(models.Model):
    service = models.CharField(max_length=20, choices=KNOWLEDGE_SERVICES)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, blank=True)
    # Plain text: blank lines separate paragraphs, lines starting "- " or "1. " make lists.
    # It is never rendered as HTML (knowledge.body_blocks splits it; templates escape it).
    body = models.TextField()
    keywords = models.CharField(
        max_length=400, blank=True, help_text="Words people search for, comma-separated."
    )
    published = models.BooleanField(default=False)
    # Empty: every partner's staff; otherwise only these partners'.
    partners = models.ManyToManyField("partnership.Partner", blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    # Null: written by the system (seeding), not a person.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "title", "pk"]
        indexes = [models.Index(fields=["published", "service"], name="servicedesk_article_pub")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """The text of an article as one save left it (version 1 is the first). Never changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, blank=True)
    body = models.TextField()
    keywords = models.CharField(max_length=400, blank=True)
    published = models.BooleanField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="servicedesk_article_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
