import factory
from django.contrib.auth import get_user_model

from initiatives.models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    Sector,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sektör {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Kurum {n}")
    kind = Institution.Kind.ASSOCIATION


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Küme girişimi {n}")
    summary = "Kısa özet."
    start_year = 2010
    status = Initiative.Status.ACTIVE

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
