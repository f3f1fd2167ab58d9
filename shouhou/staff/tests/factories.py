import datetime as dt
import itertools

import factory

from shouhou.org.tests.factories import OrganisationFactory
from shouhou.staff.idnumbers import make_id_number
from shouhou.staff.models import ServiceStaff, WorkPermit

_seq = itertools.count(1)


def id_number(n=None) -> str:
    n = n if n is not None else next(_seq)
    return make_id_number("410105", dt.date(1980, 1, 1) + dt.timedelta(days=n), n % 1000)


class ServiceStaffFactory(factory.django.DjangoModelFactory):
    """A bare staff row (no application); use services.staff_create for the real flow."""

    class Meta:
        model = ServiceStaff

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"师傅{n}")
    mobile = factory.Sequence(lambda n: f"1390000{n:04d}")
    id_number = factory.LazyFunction(id_number)
    kinds = factory.LazyFunction(lambda: ["installation", "repair"])
    employer = ServiceStaff.Employer.MOBILE
    status = ServiceStaff.Status.ACTIVE


class WorkPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPermit

    staff = factory.SubFactory(ServiceStaffFactory)
    organisation = factory.LazyAttribute(lambda o: o.staff.organisation)
    number = factory.Sequence(lambda n: f"SGT-{n:05d}")
    kinds = factory.LazyAttribute(lambda o: list(o.staff.kinds))
    issued_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=300))
    status = WorkPermit.Status.VALID
