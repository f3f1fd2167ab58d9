import factory

from shouhou.catalog.models import Brand, Category, Product, ProductModel, Supplier
from shouhou.org.tests.factories import OrganisationFactory


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"品牌{n}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"供应商{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"品类{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"产品{n}")
    brand = factory.SubFactory(BrandFactory, organisation=factory.SelfAttribute("..organisation"))
    warranty_months = 12


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    product = factory.SubFactory(ProductFactory)
    organisation = factory.SelfAttribute("product.organisation")
    code = factory.Sequence(lambda n: f"M-{n}")
    list_price = "100.00"
