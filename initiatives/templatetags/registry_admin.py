from django import template

from ..admin import missing_translation_counts
from ..link_health.admin import broken_link_counts

register = template.Library()


@register.simple_tag
def missing_translations():
    """How many initiatives, institutions and sectors lack a language."""
    return missing_translation_counts()


@register.simple_tag
def broken_links():
    """How many addresses the link checker found broken (link_health)."""
    return broken_link_counts()
