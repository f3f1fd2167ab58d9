"""Shared model bases, the audit log and idempotency keys."""

import datetime as dt
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .orgcache import OrgCache, model_updated


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TouchingQuerySet(models.QuerySet[Any]):
    """`update()` also moves `updated_at` (as `save()` does through `auto_now`): list
    validators (`core.listing.rows_etag`) and the configuration caches' fingerprints read it,
    and a guarded state update (`filter(pk=…, status=OLD).update(status=NEW)`) is a change
    like any other."""

    def update(self, **kwargs: Any) -> int:
        if "updated_at" not in kwargs:
            kwargs["updated_at"] = timezone.now()
        done = super().update(**kwargs)
        model_updated(self.model)  # reference data built from these rows is out of date
        return done


TouchingManager = models.Manager.from_queryset(TouchingQuerySet)


class OrgSettings(TimeStampedModel):
    """One row of settings per organisation (its `organisation` is a one-to-one field).

    `XSettings.for_org(organisation)` is the only way to read them: it creates the row with the
    model's defaults on first access and keeps it in the per-organisation cache of reference
    data (`core.orgcache.OrgCache`, one per settings model): a copy per process, dropped when
    the row is saved, deleted or updated (here, and through the shared cache's token in other
    processes when Redis is configured), and compared with the row's `updated_at` at most every
    `SHOUHOU_ORG_CACHE_CHECK_SECONDS`. A row read inside a transaction is kept only once the
    transaction commits, so a rollback never leaves a value in the cache that the database
    does not hold. Each caller gets its own copy (it may change and save it).
    """

    objects = TouchingManager()

    class Meta:
        abstract = True

    @classmethod
    def org_cache(cls) -> "OrgCache[Self]":
        existing: OrgCache[Self] | None = cls.__dict__.get("_org_cache")
        if existing is None:
            existing = OrgCache(
                f"settings:{cls._meta.label_lower}",
                load=cls._load_row,
                fingerprint=cls._row_version,
                version_of=lambda row: (row.pk, row.updated_at),
                copy=True,
                store_after_commit=True,
            )
            existing.invalidate_on(cls)
            setattr(cls, "_org_cache", existing)  # noqa: B010 - one per concrete model
        return existing

    @classmethod
    def cache_key(cls, org_id: int) -> str:
        """The name of the organisation's entry (and of its token in a shared cache)."""
        return cls.org_cache()._keys(org_id)[0]

    @classmethod
    def for_org(cls, organisation: "models.Model | int") -> Self:
        """The organisation's row (an `Organisation` or its id), created with the defaults."""
        return cls.org_cache().get(organisation)

    @classmethod
    def _load_row(cls, org_id: int) -> Self:
        rows: Any = cls._default_manager
        obj = rows.filter(organisation_id=org_id).first()
        if obj is None:
            try:
                with transaction.atomic():
                    rows.create(organisation_id=org_id)
            except IntegrityError:
                pass  # created at the same moment by another request
            obj = rows.get(organisation_id=org_id)  # the stored (quantized) values
        found: Self = obj
        return found

    @classmethod
    def _row_version(cls, org_id: int) -> object:
        rows: Any = cls._default_manager
        return rows.filter(organisation_id=org_id).values_list("pk", "updated_at").first()

    @classmethod
    def invalidate(cls, org_id: int) -> None:
        cls.org_cache().invalidate(org_id)


def connect_org_settings() -> None:
    """Make the cache of every settings model (it drops a row when it is saved, deleted or
    updated)."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, OrgSettings):
            model.org_cache()


class OrgScopedModel(TimeStampedModel):
    """Every domain row belongs to an organisation; a query outside a scope fails loudly.

    `objects` is a django-scopes manager: inside a request the middleware activates
    `scope(organisation=<the user's organisation>)`; jobs and commands say
    `scopes_disabled()` on purpose. `all_objects` is for jobs, demo, admin, commands and
    migrations only (shouhou/core/tests/test_tenancy_rule.py enforces it).
    """

    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    objects: ClassVar[models.Manager[Self]] = ScopedManager(
        _manager_class=TouchingManager, organisation="organisation"
    )
    all_objects: ClassVar[models.Manager[Self]] = TouchingManager()

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what to which object, from which state to which, and when. Append-only."""

    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects: ClassVar[models.Manager["AuditEvent"]] = ScopedManager(organisation="organisation")
    all_objects: ClassVar[models.Manager["AuditEvent"]] = models.Manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class IdempotencyKey(models.Model):
    """A create request replayed with the same Idempotency-Key returns the first answer.

    Endpoints that can render their answer from the object they made keep a pointer to it
    (`content_type`, `object_id`) and re-render on a replay; the others keep the answer itself
    (`response`). `request_hash` tells a replay from a different request under the same key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200, help_text="the endpoint the key was used on")
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    request_hash = models.CharField(max_length=64, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class JobRun(models.Model):
    """One run of a periodic job: when, how long, what it did or why it failed."""

    name = models.CharField(max_length=100, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The runner holding the run renews this while the job works (heartbeat); a run still
    # unfinished past it was abandoned (the process died) and is marked failed.
    lease_until = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=100, blank=True)  # host:pid

    RUNNING, OK, FAILED = "running", "ok", "failed"

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def status(self) -> str:
        if self.finished_at is None:
            return self.RUNNING
        return self.OK if self.ok else self.FAILED

    @property
    def duration(self) -> dt.timedelta | None:
        return None if self.finished_at is None else self.finished_at - self.started_at


class JobMark(models.Model):
    """How far a job has got: the high-water mark of a job that looks only at what changed since
    its last successful run (the work-order sweep: per rule, the due time up to which every row
    has been handled), and when it last rechecked everything."""

    name = models.CharField(max_length=100, unique=True)
    high_water = models.DateTimeField()
    full_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job mark")
        verbose_name_plural = _("job marks")

    def __str__(self) -> str:
        return f"{self.name} {self.high_water:%Y-%m-%d %H:%M}"


class SavedFilter(OrgScopedModel):
    """A user's saved filter of one list: a name and the list's query string (its filters,
    never a cursor), shown as a link above that list. `list_key` names the list ("workorders",
    "callbacks"...); every app's list page reads and writes them through
    `shouhou.core.savedfilters`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,  # the unique constraint (user, list_key, name) serves it
    )
    list_key = models.SlugField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000, blank=True, default="")

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key", "name"], name="saved_filter_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_key}: {self.name}"
