"""The public lists' filters and the validation of their parameters.

django-filter ignores a bad value silently (the list is just empty, or the
filter is dropped). Here every field says what was wrong in the visitor's
words ("Unknown sector: nope"); the view shows those messages and filters by
the values that were valid. Parameters the contract does not name are ignored.
"""

import re

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import text
from .models import (
    FIRST_YEAR,
    YEARS_AHEAD,
    Initiative,
    Institution,
    Partnership,
    Province,
    Sector,
    title_sort_key_field,
)

Q_MAX_LENGTH = 200
YEAR_PARAMETERS = ("year_from", "year_to")
MAX_VALUES_PER_PARAMETER = 30
# NUL and the other C0/C1 control characters: PostgreSQL rejects NUL in text,
# and none of them belongs in a search or a slug.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ORDERING_CHOICES = [
    ("title", _("Title (A–Z)")),
    ("-title", _("Title (Z–A)")),
    ("start_year", _("Start year, oldest first")),
    ("-start_year", _("Start year, newest first")),
    ("-hits", _("Most read")),
    ("-added", _("Latest added")),
]
ORDERING_FIELDS = {
    "title": ["title_sort_key", "id"],
    "-title": ["-title_sort_key", "-id"],
    "start_year": [F("start_year").asc(nulls_last=True), "title_sort_key", "id"],
    "-start_year": [F("start_year").desc(nulls_last=True), "title_sort_key", "id"],
    "-hits": ["-hit_count", "title_sort_key", "id"],
    "-added": ["-date_added", "-id"],
}


# Parameters whose values are slugs. A visitor may write the name instead
# (?province=İzmir): a value that is a plain name becomes its slug, so the
# filter, the links, the canonical address and the page cache see one value.
SLUG_PARAMETERS = ("sector", "province", "institution")
_PLAIN_NAME = re.compile(r"[\w .'’-]+")
# How the page names each parameter in a message: as the form shows it.
PARAMETER_LABELS = {
    "q": _("Search"),
    "sector": _("Sector"),
    "province": _("Province"),
    "institution": _("Institution"),
    "year_from": _("Start year (from)"),
    "year_to": _("Start year (to)"),
    "status": _("Status"),
    "ordering": _("Sort by"),
    "kind": _("Kind"),
}


def clean_parameters(query_dict, *, text_fields=("q",)):
    """A copy of ``query_dict`` that is safe to hand to forms and the database.

    Control characters are removed from every value, repeated parameters are
    limited to MAX_VALUES_PER_PARAMETER values, and each of ``text_fields`` is
    cut to Q_MAX_LENGTH characters; names in slug parameters become slugs and
    a start-year range given the wrong way round is swapped
    (``_read_as_meant``). Returns ``(params, notices)``: notices say, in the
    visitor's language, what was changed.
    """
    params = QueryDict(mutable=True)
    notices = []
    for key in query_dict:
        clean_key = _CONTROL_CHARS.sub("", key)
        values = [_CONTROL_CHARS.sub("", value) for value in query_dict.getlist(key)]
        if len(values) > MAX_VALUES_PER_PARAMETER:
            values = values[:MAX_VALUES_PER_PARAMETER]
            notices.append(
                gettext("Only the first %(count)d values of “%(name)s” were used.")
                % {
                    "count": MAX_VALUES_PER_PARAMETER,
                    "name": PARAMETER_LABELS.get(clean_key, clean_key),
                }
            )
        if clean_key in text_fields:
            values = [" ".join(value.split()) for value in values[:1]]
            if values and len(values[0]) > Q_MAX_LENGTH:
                values = [values[0][:Q_MAX_LENGTH].rstrip()]
                notices.append(
                    ngettext(
                        "The search was too long and was shortened to its "
                        "first %(count)d character.",
                        "The search was too long and was shortened to its "
                        "first %(count)d characters.",
                        Q_MAX_LENGTH,
                    )
                    % {"count": Q_MAX_LENGTH}
                )
        params.setlist(clean_key, values)
    _read_as_meant(params, notices)
    return params, notices


def _read_as_meant(params, notices):
    """``?province=İzmir`` as ``?province=izmir``; ``?year_from=2030&year_to=2000``
    as 2000 to 2030, with a notice saying so. No query: a name that is no
    slug stays unknown and the filter says so."""
    for name in SLUG_PARAMETERS:
        if name in params:
            params.setlist(
                name,
                [
                    text.turkish_slugify(value) or value
                    if _PLAIN_NAME.fullmatch(value)
                    else value
                    for value in params.getlist(name)
                ],
            )
    year_from, year_to = (params.get(name, "").strip() for name in YEAR_PARAMETERS)
    if all(year.isdigit() and len(year) <= 4 for year in (year_from, year_to)):
        if int(year_from) > int(year_to):
            params["year_from"], params["year_to"] = year_to, year_from
            notices.append(
                gettext(
                    "“%(from_label)s” was after “%(to_label)s”: the years were "
                    "swapped, showing %(from)s to %(to)s."
                )
                % {
                    "from_label": PARAMETER_LABELS["year_from"],
                    "to_label": PARAMETER_LABELS["year_to"],
                    "from": year_to,
                    "to": year_from,
                }
            )


def last_year():
    return timezone.now().year + YEARS_AHEAD


class YearField(forms.IntegerField):
    """A year of the registry's range; "abc", "1e999999" and "1" say so."""

    def __init__(self, **kwargs):
        message = _("%(name)s must be a year between %(first)s and %(last)s.")
        params = {"name": kwargs["label"], "first": FIRST_YEAR, "last": last_year()}
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", last_year())
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})
        self.year_message = (message, params)

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            message, params = self.year_message
            raise forms.ValidationError(
                message, code="invalid_year", params=params
            ) from error


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


def _unknown(label):
    return {"invalid_choice": label, "invalid_pk_value": label}


class InitiativeFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        # clean_parameters swaps such a range; this guards other callers.
        if year_from and year_to and year_from > year_to:
            raise forms.ValidationError(
                _("“%(from_label)s” (%(from)s) is after “%(to_label)s” (%(to)s)."),
                code="year_order",
                params={
                    "from": year_from,
                    "to": year_to,
                    "from_label": PARAMETER_LABELS["year_from"],
                    "to_label": PARAMETER_LABELS["year_to"],
                },
            )
        return cleaned


class InitiativeFilter(django_filters.FilterSet):
    """The filters of /initiatives/ (docs/CONTRACT.md "Parameters of the list").

    Facet counts and links over these filters live in facets.py.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sector = django_filters.ModelMultipleChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        method="filter_sector",
        error_messages=_unknown(_("Unknown sector: %(value)s")),
    )
    province = django_filters.ModelMultipleChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        method="filter_province",
        error_messages=_unknown(_("Unknown province: %(value)s")),
    )
    year_from = YearFilter(
        label=PARAMETER_LABELS["year_from"], field_name="start_year", lookup_expr="gte"
    )
    year_to = YearFilter(
        label=PARAMETER_LABELS["year_to"], field_name="start_year", lookup_expr="lte"
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=Institution.objects.all(),
        to_field_name="slug",
        method="filter_institution",
        error_messages=_unknown(_("Unknown institution: %(value)s")),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Initiative.Status.choices,
        error_messages={"invalid_choice": _("Unknown status: %(value)s")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        empty_label=_("List order"),
        error_messages={"invalid_choice": _("Unknown sort order: %(value)s")},
    )

    class Meta:
        model = Initiative
        fields = []
        form = InitiativeFilterForm

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @staticmethod
    def _linked_to_any(queryset, through, field, chosen):
        # A subquery, not a join: an initiative linked to two chosen values is
        # listed once, and the facet GROUP BYs stay exact.
        if not chosen:  # an empty selection arrives as an empty QuerySet
            return queryset
        linked = through.objects.filter(**{f"{field}__in": [c.pk for c in chosen]})
        return queryset.filter(pk__in=linked.values("initiative_id"))

    def filter_sector(self, queryset, name, value):
        return self._linked_to_any(
            queryset, Initiative.sectors.through, "sector", value
        )

    def filter_province(self, queryset, name, value):
        return self._linked_to_any(
            queryset, Initiative.provinces.through, "province", value
        )

    def filter_institution(self, queryset, name, value):
        return queryset.filter(
            pk__in=Partnership.objects.filter(institution=value).values("initiative_id")
        )

    def filter_ordering(self, queryset, name, value):
        # Titles sort in the page's language: the key of the titles it shows.
        by_title = title_sort_key_field()
        return queryset.order_by(
            *(
                field.replace("title_sort_key", by_title)
                if isinstance(field, str)
                else field
                for field in ORDERING_FIELDS[value]
            )
        )

    def filter_queryset(self, queryset, *, exclude=()):
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            if name in exclude or name == "ordering":
                continue
            queryset = self.filters[name].filter(queryset, value)
        if cleaned.get("ordering"):
            return self.filters["ordering"].filter(queryset, cleaned["ordering"])
        return queryset.in_list_order()

    @property
    def error_messages(self):
        """Every validation message, in form order, for the page to show."""
        if not self.is_bound:
            return []
        messages = list(self.form.non_field_errors())
        for name in self.form.fields:
            messages += self.form.errors.get(name, [])
        return messages

    def active_values(self, name):
        """The valid values of filter ``name`` (model instances for slugs)."""
        if not self.is_bound or not self.is_valid() and name in self.form.errors:
            return []
        value = self.form.cleaned_data.get(name)
        if value in (None, "", []):
            return []
        if isinstance(value, list | tuple | QuerySet):
            return list(value)
        return [value]

    def narrows(self, exclude=()):
        """Whether any filter but ``ordering`` and those of ``exclude`` has a
        valid value: if not, the queryset is every initiative it started
        from."""
        return any(
            self.active_values(name)
            for name in self.filters
            if name != "ordering" and name not in exclude
        )


def published_filter_or_400(request):
    """``(filterset, None)``: the list's filters over the published
    initiatives for ``request``'s parameters; or ``(None, response)``, a 400
    saying what was wrong. For the exports and the feed, which never give
    more than was asked for."""
    params, _notices = clean_parameters(request.GET)
    filterset = InitiativeFilter(
        params, queryset=Initiative.objects.published(), request=request
    )
    if filterset.is_valid():
        return filterset, None
    return None, HttpResponse(
        "\n".join(str(m) for m in filterset.error_messages) + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Institution.Kind.choices,
        empty_label=_("All kinds"),
        error_messages={"invalid_choice": _("Unknown kind: %(value)s")},
    )

    class Meta:
        model = Institution
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @property
    def error_messages(self):
        if not self.is_bound:
            return []
        messages = []
        for name in self.form.fields:
            messages += self.form.errors.get(name, [])
        return messages
