"""The serialization format ``registry_json`` of the version history.

django-reversion serializes a record with a Django serializer format; this
one writes ``versions.document()`` (an initiative with its relations), so a
version saved by reversion itself (admin form, restore) is the same document
as one written in bulk by an import. Reading back is Django's JSON format:
the relation keys start with ``_`` and are ignored by its deserializer.
"""

import json

from django.core.serializers.json import Deserializer, DjangoJSONEncoder

__all__ = ["Deserializer", "Serializer"]


class Serializer:
    internal_use_only = True

    def serialize(self, queryset, **options):
        from .versions import document

        self.value = json.dumps(
            [document(obj) for obj in queryset],
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        )
        return self.value

    def getvalue(self):
        return self.value
