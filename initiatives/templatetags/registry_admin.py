from django import template

from ..admin import missing_translation_counts

register = template.Library()


@register.simple_tag
def missing_translations():
    """How many initiatives, institutions and sectors lack a language."""
    return missing_translation_counts()
