import factory
from django.contrib.auth.models import Group

from shouhou.org.models import Merchant, Organisation, OrganisationSettings, Store, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"组织{n}")
    code = factory.Sequence(lambda n: f"org{n}")
    kind = Organisation.Kind.MARKET

    @factory.post_generation
    def with_settings(obj, create, extracted, **kwargs):
        if create:
            OrganisationSettings.objects.get_or_create(organisation=obj)


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"门店{n}")
    code = factory.Sequence(lambda n: f"store{n}")
    hotline = "4008001234"


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"商户{n}")
    booth = factory.Sequence(lambda n: f"A-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(roles=["clerk"], organisation=org)`; password is "pw-123456"."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        obj.save()
        for code in extracted or []:
            group, _ = Group.objects.get_or_create(name=code)
            obj.groups.add(group)
