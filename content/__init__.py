"""The learning space's content: explainers (Markdown with front matter), the glossary and their loader."""

from content.loader import ContentError, Explainer, GlossaryTerm, Library, library

__all__ = ["ContentError", "Explainer", "GlossaryTerm", "Library", "library"]
