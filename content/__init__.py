"""The learning space's content: explainers (Markdown with front matter), the glossary, themes, and their loader."""

from content.loader import library
from content.models import ContentError, Explainer, GlossaryTerm, Library, Theme

__all__ = ["ContentError", "Explainer", "GlossaryTerm", "Library", "Theme", "library"]
