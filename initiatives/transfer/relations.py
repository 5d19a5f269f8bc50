"""An initiative's many-valued cells: sectors, provinces, partners and links.

Items are joined with " | " (names also split on ";", as editors type them):
``Makine | Otomotiv``, ``KOSGEB (lead) | OSTİM (partner)``,
``Web site <https://example.org> (website)``. Names are matched by
``lookups.find``; an unknown name, role or link kind is a row error.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Link, Partnership
from .cells import SEPARATOR, choice_parser, error_messages, split_cell
from .lookups import find

RELATIONS = frozenset({"sectors", "provinces", "partners", "links"})
_LINK_ITEM = re.compile(
    r"^(?P<title>.*?)\s*<(?P<url>[^<>]*)>\s*(?:\((?P<kind>[^()]*)\))?$"
)
_ROLE_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$")
_role = choice_parser(Partnership.Role)
_link_kind = choice_parser(Link.Kind)


def render_relation(column, value, context):
    """The cell of ``column`` for its canonical value (ids, pairs, triples)."""
    if column == "sectors":
        return SEPARATOR.join(context.sector_names[pk] for pk in value)
    if column == "provinces":
        return SEPARATOR.join(context.province_names[pk] for pk in value)
    if column == "partners":
        return SEPARATOR.join(
            f"{context.institution_names[pk]} ({role})" for pk, role in value
        )
    return SEPARATOR.join(_link_cell(title, url, kind) for url, title, kind in value)


def relation_items(column, value, context):
    """The cell of ``column`` as a list, for formats that hold lists (JSON):
    names, ``{"name", "role"}`` partners, ``{"title", "url", "kind"}`` links."""
    if column == "sectors":
        return [context.sector_names[pk] for pk in value]
    if column == "provinces":
        return [context.province_names[pk] for pk in value]
    if column == "partners":
        return [
            {"name": context.institution_names[pk], "role": role} for pk, role in value
        ]
    return [{"title": title, "url": url, "kind": kind} for url, title, kind in value]


def parse_relation(column, value, context):
    """The canonical value of a ``column`` cell, or ``ValidationError``."""
    if column == "sectors":
        pks = {
            find(context.sectors, context.sector_names, v, _("sector"))
            for v in split_cell(value, semicolons=True)
        }
        return tuple(sorted(pks, key=context.sector_rank.get))
    if column == "provinces":
        pks = {
            find(context.provinces, context.province_names, v, _("province"))
            for v in split_cell(value, semicolons=True)
        }
        return tuple(sorted(pks, key=context.province_rank.get))
    if column == "partners":
        return _parse_partners(value, context)
    return _parse_links(value)


def _link_cell(title, url, kind):
    if title:
        return f"{title} <{url}> ({kind})"
    return f"<{url}> ({kind})"


def _find_or_none(context, name):
    try:
        return find(context.institutions, context.institution_names, name, "")
    except ValidationError:
        return None


def _parse_partners(value, context):
    partners, problems = [], []
    for item in split_cell(value, semicolons=True):
        name, role = item, Partnership.Role.PARTNER
        match = _ROLE_SUFFIX.match(item)
        if match:
            try:
                role = _role(match["role"])
                name = match["name"]
            except ValidationError:
                pass  # "(...)" is part of the name
        try:
            pk = find(
                context.institutions,
                context.institution_names,
                name,
                _("institution"),
            )
        except ValidationError as error:
            if match and name == item and _find_or_none(context, match["name"]):
                # "KOSGEB (sponsor)": the institution is known, the role not.
                problems.append(
                    _("“%(item)s”: unknown role “%(role)s”; the roles are: %(roles)s.")
                    % {
                        "item": item,
                        "role": match["role"],
                        "roles": ", ".join(Partnership.Role.values),
                    }
                )
            else:
                problems.extend(error.messages)
            continue
        if (pk, role) in partners:
            problems.append(_("“%(item)s” is listed twice.") % {"item": item})
        partners.append((pk, role))
    if problems:
        raise ValidationError(problems)
    return tuple(partners)


def _parse_links(value):
    links, problems = [], []
    for item in split_cell(value):
        match = _LINK_ITEM.match(item)
        if match:
            title, url, kind = match["title"], match["url"].strip(), match["kind"]
        elif " " not in item:
            title, url, kind = "", item, None
        else:
            problems.append(
                _("“%(item)s”: write a link as Title <https://...> (kind).")
                % {"item": item}
            )
            continue
        try:
            kind = _link_kind(kind) if kind else Link.Kind.WEBSITE
            Link(url=url, title=title, kind=kind).clean_fields(
                exclude=["initiative", "position"]
            )
        except ValidationError as error:
            messages = [m for ms in error_messages(error).values() for m in ms]
            problems.extend(f"“{item}”: {m}" for m in messages)
            continue
        links.append((url, title, kind))
    if problems:
        raise ValidationError(problems)
    return tuple(links)
