import factory
from django.conf import settings
from django.contrib.auth import get_user_model

from initiatives.models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    Sector,
)
from initiatives.translation import translated_fields


class DefaultLanguageFactory(factory.django.DjangoModelFactory):
    """``title=``, ``name=``... write the Turkish (default language) field.

    modeltranslation would write the active language's, and some test modules
    run in English to read messages in English.
    """

    class Meta:
        abstract = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        for name in translated_fields(cls._meta.model):
            if name in kwargs:
                kwargs.setdefault(
                    f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}",
                    kwargs.pop(name),
                )
        return kwargs


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class SectorFactory(DefaultLanguageFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sektör {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")


class InstitutionFactory(DefaultLanguageFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Kurum {n}")
    kind = Institution.Kind.ASSOCIATION


class InitiativeFactory(DefaultLanguageFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Küme girişimi {n}")
    summary = "Kısa özet."
    start_year = 2010
    status = Initiative.Status.ACTIVE
    # The model makes drafts; most tests read what the public sees.
    is_published = True

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(
                [
                    p if isinstance(p, Province) else Province.objects.get(slug=p)
                    for p in extracted
                ]
            )


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    initiative = factory.SubFactory(InitiativeFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Partnership.Role.PARTNER


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    initiative = factory.SubFactory(InitiativeFactory)
    url = factory.Sequence(lambda n: f"https://example.org/{n}")
    title = factory.Sequence(lambda n: f"Bağlantı {n}")
