"""Service staff (售后人员) and their work permits (上岗证).

The staff app owns and extends this module; other apps reference `staff.ServiceStaff` and call
`shouhou.staff.services.can_work(...)`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import OrgScopedModel


class WorkKind(models.TextChoices):
    """Kinds of service work a person may do; a permit lists the kinds it allows."""

    WAREHOUSE = "warehouse", _("Warehouse keeper")
    DELIVERY = "delivery", _("Delivery")
    INSTALLATION = "installation", _("Installation")
    REPAIR = "repair", _("Repair")


class ServiceStaff(OrgScopedModel):
    class Employer(models.TextChoices):
        MERCHANT = "merchant", _("Merchant's own staff")
        MOBILE = "mobile", _("Mobile / freelance staff")
        STORE = "store", _("Store's own staff")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="service_staff",
                                verbose_name=_("login account"))
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=20)
    kinds = models.JSONField(_("kinds of work"), default=list,
                             help_text=_("Codes from WorkKind; several allowed."))
    employer = models.CharField(_("employer"), max_length=20, choices=Employer.choices)
    merchant = models.ForeignKey("org.Merchant", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="staff", verbose_name=_("merchant"))
    store = models.ForeignKey("org.Store", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="staff", verbose_name=_("store"))

    class Meta:
        verbose_name = _("service staff member")
        verbose_name_plural = _("service staff")
        ordering = ["name"]

    def __str__(self):
        return self.name
