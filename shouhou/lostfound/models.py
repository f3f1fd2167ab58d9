"""Lost property at the service desk (顾客遗留物品, seed 004 三; 2.2.4, 2.3.3; DOMAIN.md §10).

A `LostItem` is one thing handed in at a store's service desk. The desk registers and announces
it; after closing the day's items go on the `EndOfDayList` (顾客遗留物品清单), signed by the desk
clerk and the security guard who receives them; the early shift takes them back to the desk the
next morning; after the archive period unclaimed items go to security and are archived; after
the disposal period they are handed to administration with two signatures. A valuable is checked
and signed for by the customer-service supervisor or the duty manager and kept by the head of
security. A claim closes the record wherever it is. `LostItemReminder` rows are what the job
raises (not on a list at closing, not moved by the morning hour, disposal due: report to the
manager). Every period is a `LostFoundSettings` value.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhou.core.models import OrgScopedModel, OrgSettings
from shouhou.core.money import MoneyField, non_negative


class LostFoundSettings(OrgSettings):
    """Per-organisation periods and hours of the lost-property routine (seed 004 defaults)."""

    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="lostfound_settings",
        verbose_name=_("organisation"),
    )
    archive_after_days = models.PositiveSmallIntegerField(
        _("to security and archive after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Seed 004: an item unclaimed for more than three days goes to security."),
    )
    disposal_after_months = models.PositiveSmallIntegerField(
        _("to administration for disposal after (months)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Seed 004: an item (valuables included) unclaimed for a month is disposed of."),
    )
    count_working_days = models.BooleanField(
        _("count periods in working days"),
        default=False,
        help_text=_(
            "Off: calendar days (the seed). On: the archive period counts working days and the "
            "disposal date moves to the next working day."
        ),
    )
    desk_closes_at = models.TimeField(
        _("service desk closes at"),
        default=dt.time(21, 0),
        help_text=_("From this time the job reminds the desk of the day's items not on a list."),
    )
    move_back_by = models.TimeField(
        _("items back at the desk by"),
        default=dt.time(10, 0),
        help_text=_(
            "The early shift takes yesterday's items to the desk; after this they are late."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lost-property settings")
        verbose_name_plural = _("lost-property settings")

    def __str__(self):
        return str(self.organisation)


class Category(models.TextChoices):
    DOCUMENTS = "documents", _("ID cards and documents")
    WALLET = "wallet", _("Wallet, purse or cash")
    PHONE = "phone", _("Mobile phone")
    ELECTRONICS = "electronics", _("Other electronics")
    KEYS = "keys", _("Keys")
    BAG = "bag", _("Bag or luggage")
    CLOTHING = "clothing", _("Clothing")
    JEWELLERY = "jewellery", _("Jewellery or watch")
    UMBRELLA = "umbrella", _("Umbrella")
    CHILDREN = "children", _("Children's things")
    SHOPPING = "shopping", _("Shopping or goods")
    OTHER = "other", _("Other")


class FinderKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    CUSTOMER = "customer", _("Customer")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit (HK/Macao/Taiwan)")
    DRIVING = "driving", _("Driving licence")
    OTHER = "other", _("Other document")


class DisposalMethod(models.TextChoices):
    RETURNED_TO_FINDER = "returned_to_finder", _("Returned to the finder")
    DONATED = "donated", _("Donated")
    DESTROYED = "destroyed", _("Destroyed")
    SOLD = "sold", _("Sold (proceeds recorded)")


class EndOfDayList(OrgScopedModel):
    """The day's 顾客遗留物品清单: the items, their count, the clerk's and the guard's signatures."""

    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    day = models.DateField(_("day"))
    seq = models.PositiveSmallIntegerField(_("list of the day"), default=1)
    item_count = models.PositiveIntegerField(_("number of items"))
    clerk_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk clerk"),
    )
    clerk_signed_at = models.DateTimeField(_("clerk signed at"))
    guard_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("security guard"),
    )
    guard_signed_at = models.DateTimeField(_("guard signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("end-of-day list")
        verbose_name_plural = _("end-of-day lists")
        ordering = ["-day", "-seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "store", "day", "seq"], name="lostfound_list_unique_seq"
            )
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}-{self.seq} ({self.item_count})"

    @property
    def received(self) -> bool:
        return self.guard_signed_at is not None


class LostItem(OrgScopedModel):
    class Status(models.TextChoices):
        AT_DESK = "at_desk", _("Registered at the desk")
        OVERNIGHT = "overnight", _("With security overnight")
        BACK_AT_DESK = "back_at_desk", _("At the desk for claiming")
        ARCHIVE_DUE = "archive_due", _("Due to go to security")
        ARCHIVED = "archived", _("Kept by security (archived)")
        VALUABLE_KEPT = "valuable_kept", _("Kept by the head of security")
        DISPOSAL_DUE = "disposal_due", _("Due for disposal")
        DISPOSED = "disposed", _("Disposed of")
        CLAIMED = "claimed", _("Claimed by the owner")

    store = models.ForeignKey(
        "org.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    number = models.CharField(_("number"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AT_DESK
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    found_place = models.CharField(_("where found"), max_length=100)
    found_at = models.DateTimeField(_("when found"))
    found_on = models.DateField(_("day found"))
    finder_kind = models.CharField(_("handed in by"), max_length=10, choices=FinderKind.choices)
    finder_name = models.CharField(_("finder's name"), max_length=50)
    finder_phone = models.CharField(_("finder's phone"), max_length=20, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken in by"),
    )
    is_valuable = models.BooleanField(_("valuable"), default=False)
    estimated_value = MoneyField(
        _("estimated value"), null=True, blank=True, validators=[non_negative]
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    announcement = models.CharField(_("announcement text"), max_length=300, blank=True)
    # Due dates, stored so the job's queries are index scans.
    archive_due_on = models.DateField(_("to security on"))
    disposal_due_on = models.DateField(_("disposal due on"))
    # Valuable: the supervisor's or duty manager's check, then the head of security keeps it.
    valuable_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("valuable checked by"),
    )
    valuable_checked_at = models.DateTimeField(_("valuable checked at"), null=True, blank=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by (head of security)"),
    )
    kept_at = models.DateTimeField(_("handed to the head of security at"), null=True, blank=True)
    day_list = models.ForeignKey(
        EndOfDayList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("end-of-day list"),
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken to the desk by"),
    )
    moved_at = models.DateTimeField(_("taken to the desk at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_location = models.CharField(_("storage place"), max_length=60, blank=True)
    reported_at = models.DateTimeField(_("reported to the manager at"), null=True, blank=True)
    # Disposal: two different people sign, then administration records how.
    cs_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer-service supervisor's signature"),
    )
    cs_signed_at = models.DateTimeField(
        _("customer-service supervisor signed at"), null=True, blank=True
    )
    lp_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loss-prevention supervisor's signature"),
    )
    lp_signed_at = models.DateTimeField(
        _("loss-prevention supervisor signed at"), null=True, blank=True
    )
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disposed of by (administration)"),
    )
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    disposal_method = models.CharField(
        _("how disposed of"), max_length=20, choices=DisposalMethod.choices, blank=True
    )
    disposal_proceeds = MoneyField(_("proceeds"), null=True, blank=True, validators=[non_negative])
    disposal_note = models.CharField(_("disposal note"), max_length=200, blank=True)
    # Claim: identity check (number kept masked), phone, signature; a valuable's release signed.
    claimant_name = models.CharField(_("claimant"), max_length=50, blank=True)
    claimant_phone = models.CharField(_("claimant's phone"), max_length=20, blank=True)
    claimant_id_type = models.CharField(
        _("ID type"), max_length=20, choices=IdType.choices, blank=True
    )
    claimant_id_masked = models.CharField(_("ID number (masked)"), max_length=40, blank=True)
    claim_description = models.TextField(_("owner's description"), blank=True)
    claimant_signature = models.CharField(_("signed for by"), max_length=50, blank=True)
    claim_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claim handled by"),
    )
    release_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("release signed by (valuable)"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_from = models.CharField(_("claimed from"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("lost item")
        verbose_name_plural = _("lost items")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="lostfound_item_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "store", "status", "found_on"]),
            models.Index(fields=["status", "archive_due_on"]),
            models.Index(fields=["status", "disposal_due_on"]),
            models.Index(fields=["organisation", "found_at", "id"]),
        ]

    def __str__(self):
        return f"{self.number} {self.get_category_display()}"


class LostItemPhoto(OrgScopedModel):
    item = models.ForeignKey(
        LostItem, on_delete=models.CASCADE, related_name="photos", verbose_name=_("lost item")
    )
    image = models.FileField(_("photo"), upload_to="lostfound/photos/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("photo of a lost item")
        verbose_name_plural = _("photos of lost items")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class LostItemReminder(OrgScopedModel):
    """A reminder the job raised, once per store, day and kind (unique key)."""

    class Kind(models.TextChoices):
        NOT_LISTED = "not_listed", _("Items of the day not on a list at closing")
        NOT_MOVED = "not_moved", _("Yesterday's items not back at the desk")
        UNCLAIMED = "unclaimed", _("Unclaimed items due for disposal (report to the manager)")

    store = models.ForeignKey(
        "org.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("day"))
    item_count = models.PositiveIntegerField(_("number of items"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lost-property reminder")
        verbose_name_plural = _("lost-property reminders")
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "kind", "day"], name="lostfound_reminder_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} ({self.item_count})"
