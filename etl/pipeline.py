"""Document → (articles, facts): wires the pure stages; no files, no database, no printing."""
from __future__ import annotations

from .schema import Article, Document, Fact


def extract_document(doc: Document) -> tuple[list[Article], list[Fact]]:
    """Split a document into articles and extract every numeric fact from them."""
    from .attribute import attribute  # noqa: PLC0415  (heavy: gazetteer, jieba)
    from .layout import split_articles  # noqa: PLC0415
    from .quantities import find_quantities  # noqa: PLC0415

    articles = split_articles(doc)
    facts: list[Fact] = []
    for article in articles:
        mentions = find_quantities(article.text)
        facts.extend(attribute(article, mentions, doc))
    return articles, facts
