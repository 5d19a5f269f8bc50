from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Cluster initiatives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, versions  # noqa: F401 (signals connect on import)

        versions.register()  # the version history (versions.py)
