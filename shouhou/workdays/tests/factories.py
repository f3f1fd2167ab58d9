"""Factories for calendar rows. New organisations already get the package years (signal)."""

import datetime as dt

import factory

from shouhou.org.tests.factories import OrganisationFactory
from shouhou.workdays.models import WorkCalendar, WorkCalendarDay


class WorkCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkCalendar
        django_get_or_create = ("organisation", "year")

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2030
    source = WorkCalendar.Source.MANUAL


class WorkCalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkCalendarDay

    calendar = factory.SubFactory(WorkCalendarFactory)
    organisation = factory.SelfAttribute("calendar.organisation")
    date = factory.LazyAttribute(lambda o: dt.date(o.calendar.year, 1, 1))
    is_working = False
    name = "元旦"
