"""Which database holds the hit tables (settings ``DATABASE_ROUTERS``).

With SQLite, settings give the hit tables a file of their own,
``DATABASES["hits"]``, so that counting a read never needs the main file's
write lock, which an editor's import holds for seconds (docs/ARCHITECTURE.md
"Reads on SQLite"). With PostgreSQL there is no such entry and every table
stays in the one database.

Only the hit tables go there: no table of the registry, no trigger, no data
migration; and the hit tables are created nowhere else.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

HITS_ALIAS = "hits"
HIT_MODELS = frozenset(
    {"dailyhit", "hitdedupe", "addressreaders", "dailysalt", "readcount"}
)


def hits_database():
    """The alias of the database that holds the hit tables."""
    return HITS_ALIAS if HITS_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS


def is_hit_model(app_label, model_name):
    return app_label == "initiatives" and model_name in HIT_MODELS


class HitsRouter:
    def _route(self, model):
        # A model, or an instance (allow_relation), maybe behind a lazy object.
        meta = model._meta
        if is_hit_model(meta.app_label, meta.model_name):
            return hits_database()
        return None

    def db_for_read(self, model, **hints):
        return self._route(model)

    def db_for_write(self, model, **hints):
        return self._route(model)

    def allow_relation(self, obj1, obj2, **hints):
        # DailyHit names its initiative by id (no constraint across files).
        if self._route(obj1) or self._route(obj2):
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        hits = hits_database()
        if hits == DEFAULT_DB_ALIAS:
            return None
        if db == hits:
            return is_hit_model(app_label, model_name)
        if is_hit_model(app_label, model_name):
            return False
        return None
