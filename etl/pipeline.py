"""Document → (articles, facts): wires the pure stages; no files, no database, no printing."""
from __future__ import annotations

from dataclasses import replace

from .attribute import attribute
from .dates import document_published
from .fragments import split_fragments
from .layout import reseq, split_articles
from .provenance import locate_facts
from .measures import annotate
from .quantities import find_quantities
from .schema import Article, Document, Fact


def extract_document(doc: Document) -> tuple[list[Article], list[Fact]]:
    """Split a document into articles and extract every numeric fact from them."""
    articles = split_articles(doc)
    pieces = [p for article in articles for p in split_fragments(article)]
    contexts = [ctx for _a, ctx in pieces]
    if len(pieces) != len(articles):
        articles = reseq([a for a, _ctx in pieces])
    published, _how = document_published(doc, articles)
    if published and not doc.published:
        articles = [replace(a, published=published) for a in articles]
    facts: list[Fact] = []
    for article, ctx in zip(articles, contexts):
        if article.kind == "quotes":
            continue
        facts.extend(annotate(article, attribute(article, find_quantities(article.text), doc, ctx=ctx),
                              article.published or doc.published))
    return articles, locate_facts(doc, articles, facts)  # page/paragraph/cell of each fact, OCR confidence
