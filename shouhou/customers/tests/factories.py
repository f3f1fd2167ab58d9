import factory

from shouhou.customers.models import Customer, CustomerAddress, CustomerPhone
from shouhou.org.tests.factories import OrganisationFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer row with a default address (no service, no audit): for reads and scoping."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"王{'一二三四五六七八九十'[n % 10]}明")
    mobile = factory.Sequence(lambda n: f"1390000{n:04d}")

    @factory.post_generation
    def address(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            district, detail = extracted or ("金水区", "花园路88号3号楼2单元501")
            CustomerAddress.objects.create(
                organisation=obj.organisation,
                customer=obj,
                province="河南省",
                city="郑州市",
                district=district,
                detail=detail,
                is_default=True,
            )


class CustomerPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPhone

    customer = factory.SubFactory(CustomerFactory)
    organisation = factory.SelfAttribute("customer.organisation")
    number = factory.Sequence(lambda n: f"0371{65000000 + n}")
