from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from simple_history.admin import SimpleHistoryAdmin

from shouhou.core.audit import audit_record
from shouhou.org.models import Organisation

from .models import WorkCalendar, WorkCalendarDay


class WorkCalendarDayInline(admin.TabularInline):
    model = WorkCalendarDay
    extra = 0
    fields = ("date", "is_working", "name")
    ordering = ("date",)


def _day_rows(calendar):
    return [
        [d.isoformat(), w, n]
        for d, w, n in calendar.days.order_by("date").values_list("date", "is_working", "name")
    ]


@admin.register(WorkCalendar)
class WorkCalendarAdmin(SimpleHistoryAdmin):
    list_display = (
        "year",
        "organisation",
        "source",
        "holiday_count",
        "workday_count",
        "entered_by",
        "updated_at",
    )
    list_filter = ("organisation", "source")
    search_fields = ("year", "note")
    ordering = ("organisation", "-year")
    readonly_fields = ("entered_by",)
    inlines = [WorkCalendarDayInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation", "entered_by")
            .annotate(
                n_holidays=Count("days", filter=Q(days__is_working=False)),
                n_workdays=Count("days", filter=Q(days__is_working=True)),
            )
        )

    @admin.display(description=_("holidays"), ordering="n_holidays")
    def holiday_count(self, obj):
        return obj.n_holidays

    @admin.display(description=_("make-up working days"), ordering="n_workdays")
    def workday_count(self, obj):
        return obj.n_workdays

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        """Say at the top of the list which needed years are not covered."""

        from .selectors import calendar_warnings

        org = getattr(request.user, "organisation", None)
        if org is not None:
            for warning in calendar_warnings(organisation=org):
                self.message_user(request, warning, level=messages.WARNING)
        else:
            with scopes_disabled():
                for organisation in Organisation.objects.order_by("name"):
                    for warning in calendar_warnings(organisation=organisation):
                        self.message_user(
                            request, f"{organisation}: {warning}", level=messages.WARNING
                        )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change or form.has_changed():
            obj.entered_by = request.user
        if not change:
            obj.source = obj.source or WorkCalendar.Source.MANUAL
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not WorkCalendarDay:
            return super().save_formset(request, form, formset, change)
        calendar = form.instance
        before = _day_rows(calendar) if change else []
        instances = formset.save(commit=False)
        for day in instances:
            day.organisation_id = calendar.organisation_id
            day.save()
        for day in formset.deleted_objects:
            day.delete()
        formset.save_m2m()
        if instances or formset.deleted_objects:
            # Edited by hand: the package import must never overwrite it.
            WorkCalendar.objects.filter(pk=calendar.pk).update(
                source=WorkCalendar.Source.MANUAL,
                entered_by=request.user,
                updated_at=timezone.now(),
            )
            calendar.source = WorkCalendar.Source.MANUAL
            audit_record(
                actor=request.user,
                action="shouhou.workcalendar.edited",
                obj=calendar,
                before={"days": before},
                after={"days": _day_rows(calendar)},
                note="admin",
            )
            from .services import invalidate

            invalidate(calendar.organisation_id)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_working", "organisation", "calendar")
    list_filter = ("organisation", "is_working", "calendar__year")
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)
    fields = ("calendar", "date", "is_working", "name")

    def save_model(self, request, obj, form, change):
        obj.organisation_id = obj.calendar.organisation_id
        super().save_model(request, obj, form, change)
        WorkCalendar.objects.filter(pk=obj.calendar_id).update(
            source=WorkCalendar.Source.MANUAL, entered_by=request.user, updated_at=timezone.now()
        )
        audit_record(
            actor=request.user,
            action="shouhou.workcalendar.day_set",
            obj=obj.calendar,
            after={"date": obj.date, "is_working": obj.is_working, "name": obj.name},
            note="admin",
        )

    def delete_model(self, request, obj):
        calendar = obj.calendar
        before = {"date": obj.date, "is_working": obj.is_working, "name": obj.name}
        super().delete_model(request, obj)
        WorkCalendar.objects.filter(pk=calendar.pk).update(
            source=WorkCalendar.Source.MANUAL, entered_by=request.user, updated_at=timezone.now()
        )
        audit_record(
            actor=request.user,
            action="shouhou.workcalendar.day_removed",
            obj=calendar,
            before=before,
            note="admin",
        )
