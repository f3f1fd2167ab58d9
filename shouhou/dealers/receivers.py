"""The dealers app's subscriptions to lower apps (connected in `DealersConfig.ready`)."""

from django.dispatch import receiver

from shouhou.complaints.models import Responsibility
from shouhou.complaints.signals import responsibility_set

from . import claims


@receiver(responsibility_set, dispatch_uid="dealers.supplier_claim_draft")
def supplier_claim_draft(sender, *, case, responsibility, by, **kwargs):
    """A case decided as the supplier's responsibility gets its claim draft (once)."""
    if responsibility == Responsibility.SUPPLIER:
        claims.claim_draft_for_case(case=case, by=by)
