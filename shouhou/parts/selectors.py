"""Reads of the parts cycle, limited to what the user may see (the scoped managers limit the
organisation; a technician sees their own requisitions and bag)."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFoundError
from shouhou.org import roles as r
from shouhou.workorders.models import ReportPart, WorkOrder

from . import bands
from .models import (
    Alert,
    DisposalBatch,
    Location,
    Move,
    OldPart,
    Part,
    PostageWriteOff,
    Quote,
    Receipt,
    Requisition,
    RequisitionLine,
    Stock,
    StockCount,
)

READ_ROLES = {*r.OFFICE_ROLES, r.WAREHOUSE_KEEPER, r.TECHNICIAN}


def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READ_ROLES)


def _tech_only(user) -> bool:
    return r.has_role(user, r.TECHNICIAN) and not r.has_role(
        user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER
    )


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError() from exc


def part_list(*, user, q: str = "", kind: str = ""):
    if not can_read(user):
        return Part.objects.none()
    qs = Part.objects.all().order_by("code", "id")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def part_get(*, user, pk) -> Part:
    return _get(part_list(user=user), pk)


def location_list(*, user, stores_only: bool = False):
    if not can_read(user):
        return Location.objects.none()
    qs = Location.objects.filter(is_active=True).order_by("kind", "code", "id")
    if _tech_only(user):
        qs = qs.filter(Q(holder=user) | Q(kind__in=["central", "station", "dealer"]))
    if stores_only:
        qs = qs.filter(kind__in=["central", "station", "dealer"])
    return qs


def location_get(*, user, pk) -> Location:
    return _get(location_list(user=user), pk)


def low_stock_q():
    """Stock rows below their reorder level (the location's own, else the part's default)."""
    return Q(reorder_level__isnull=False, quantity__lt=F("reorder_level")) | Q(
        reorder_level__isnull=True, part__reorder_level__gt=0, quantity__lt=F("part__reorder_level")
    )


def stock_at(*, user, location: Location, low_only: bool = False):
    """One location's stock page: index (location, part) serves it."""
    qs = (
        Stock.objects.filter(location=location)
        .select_related("part")
        .annotate(low=Case(When(low_stock_q(), then=1), default=0, output_field=IntegerField()))
        .order_by("part__code", "id")
    )
    if low_only:
        qs = qs.filter(low_stock_q())
    return qs


def move_list(*, user, location=None, part=None, kind: str = "", document: str = ""):
    if not can_read(user) or _tech_only(user):
        return Move.objects.none()
    qs = Move.objects.select_related("part", "from_location", "to_location", "by").order_by(
        "-at", "-id"
    )
    if location is not None:
        qs = qs.filter(Q(from_location=location) | Q(to_location=location))
    if part is not None:
        qs = qs.filter(part=part)
    if kind:
        qs = qs.filter(kind=kind)
    if document:
        qs = qs.filter(document=document)
    return qs


def receipt_list(*, user):
    if not can_read(user) or _tech_only(user):
        return Receipt.objects.none()
    return Receipt.objects.select_related("location", "received_by").order_by("-received_at", "-id")


def receipt_get(*, user, pk) -> Receipt:
    return _get(receipt_list(user=user).prefetch_related("lines__part"), pk)


def requisition_list(*, user, status: str = "", work_order=None):
    if not can_read(user):
        return Requisition.objects.none()
    qs = Requisition.objects.select_related("work_order", "technician", "location").order_by("-id")
    if _tech_only(user):
        qs = qs.filter(technician=user)
    if status:
        qs = qs.filter(status=status)
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    return qs


def requisition_get(*, user, pk) -> Requisition:
    return _get(requisition_list(user=user).prefetch_related("lines__part"), pk)


def approval_queue(*, user):
    """Requisitions awaiting approval that this user may approve."""
    roles = set(r.user_roles(user))
    qs = requisition_list(user=user, status=Requisition.Status.SUBMITTED)
    wanted = [
        role
        for role in {*bands.RANK, *r.ROLES}
        if bands.may_approve(roles, role, superuser=user.is_superuser)
    ]
    return qs.filter(approver_role__in=wanted).exclude(technician=user)


def with_technician(*, user, technician=None):
    """The parts a technician holds: stock of their bag, and the open lines behind it."""
    tech = technician or user
    if tech.pk != user.pk and not r.has_role(user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER):
        return Stock.objects.none(), RequisitionLine.objects.none()
    stock = Stock.objects.filter(
        location__kind=Location.Kind.TECHNICIAN, location__holder=tech, quantity__gt=0
    ).select_related("part")
    lines = (
        RequisitionLine.objects.filter(
            requisition__technician=tech, requisition__status=Requisition.Status.ISSUED
        )
        .filter(quantity__gt=F("returned") + F("written_off"))
        .select_related("part", "requisition__work_order")
        .order_by("requisition_id", "id")
    )
    return stock, lines


def old_part_list(*, user, status: str = ""):
    if not can_read(user):
        return OldPart.objects.none()
    qs = OldPart.objects.select_related("part", "work_order", "returned_by", "line__requisition")
    if _tech_only(user):
        qs = qs.filter(returned_by=user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-returned_at", "-id")


def old_part_get(*, user, pk) -> OldPart:
    return _get(old_part_list(user=user), pk)


def overdue_old_parts(*, user, today=None):
    """Lines whose old part is past its due date and not registered (they block the write-off)."""
    today = today or timezone.localdate()
    if not can_read(user):
        return RequisitionLine.objects.none()
    qs = RequisitionLine.objects.filter(
        old_part_due_on__lt=today,
        old_part__isnull=True,
        requisition__status=Requisition.Status.ISSUED,
    ).filter(quantity__gt=F("returned") + F("written_off"))
    if _tech_only(user):
        qs = qs.filter(requisition__technician=user)
    return qs.select_related("part", "requisition__work_order", "requisition__technician").order_by(
        "old_part_due_on", "id"
    )


def awaiting_old_part(*, user):
    """Issued lines with parts still out and no old part yet (for the register form)."""
    return (
        RequisitionLine.objects.filter(
            requisition__status=Requisition.Status.ISSUED, old_part__isnull=True
        )
        .filter(quantity__gt=F("returned") + F("written_off"))
        .select_related("part", "requisition__work_order", "requisition__technician")
        .order_by("old_part_due_on", "id")
    )


def batch_list(*, user):
    if not can_read(user) or _tech_only(user):
        return DisposalBatch.objects.none()
    return DisposalBatch.objects.order_by("-month")


def batch_get(*, user, pk) -> DisposalBatch:
    return _get(batch_list(user=user), pk)


def count_list(*, user):
    if not can_read(user) or _tech_only(user):
        return StockCount.objects.none()
    return StockCount.objects.select_related("location", "counted_by").order_by(
        "-counted_at", "-id"
    )


def count_get(*, user, pk) -> StockCount:
    return _get(count_list(user=user).prefetch_related("lines__part"), pk)


def quote_list(*, user, work_order=None):
    if not can_read(user):
        return Quote.objects.none()
    qs = Quote.objects.select_related("work_order").order_by("-id")
    if _tech_only(user):
        qs = qs.filter(work_order__technician__user=user)
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    return qs


def quote_get(*, user, pk) -> Quote:
    return _get(quote_list(user=user).prefetch_related("lines__part"), pk)


def dashboard_cards(*, user) -> list[dict]:
    from django.urls import reverse

    if not can_read(user):
        return []
    cards = []
    if r.has_role(user, r.WAREHOUSE_KEEPER, *r.MANAGER_ROLES, r.WORKSHOP_SUPERVISOR):
        low = Alert.objects.filter(kind=Alert.Kind.LOW_STOCK).count()
        over = Alert.objects.filter(kind=Alert.Kind.OLD_PART_OVERDUE).count()
        cards.append({"label": _("Parts below reorder level"), "value": low,
                      "url": reverse("parts:stock"), "alert": low > 0})  # fmt: skip
        cards.append({"label": _("Old parts overdue"), "value": over,
                      "url": reverse("parts:overdue"), "alert": over > 0})  # fmt: skip
    queue = approval_queue(user=user).count()
    if queue:
        cards.append({"label": _("Requisitions to approve"), "value": queue,
                      "url": reverse("parts:approvals"), "alert": True})  # fmt: skip
    return cards


def work_order_get(*, user, pk) -> WorkOrder:
    if not can_read(user):
        raise NotFoundError()
    return _get(WorkOrder.objects.all(), pk)


def line_get(*, user, pk) -> RequisitionLine:
    if not can_read(user):
        raise NotFoundError()
    qs = RequisitionLine.objects.select_related("part", "requisition__work_order")
    if _tech_only(user):
        qs = qs.filter(requisition__technician=user)
    return _get(qs, pk)


def report_parts_awaiting(*, user, line):
    """The replaced parts on the line's order's report whose old part is not received yet."""
    return ReportPart.objects.filter(
        report__order_id=line.requisition.work_order_id, old_returned_at__isnull=True
    )


def postage_list(*, user):
    if not can_read(user) or _tech_only(user):
        return PostageWriteOff.objects.none()
    return PostageWriteOff.objects.select_related("handler", "approved_by").order_by(
        "-handled_at", "-id"
    )


def postage_get(*, user, pk) -> PostageWriteOff:
    return _get(postage_list(user=user), pk)


def count_sheet(*, user, location: Location, q: str = ""):
    """The parts on a location's books, in shelf order (part code), for a count sheet."""
    if not can_read(user) or _tech_only(user):
        return Stock.objects.none()
    qs = Stock.objects.filter(location=location).select_related("part").order_by("part__code", "id")
    if q:
        qs = qs.filter(Q(part__code__icontains=q) | Q(part__name__icontains=q))
    return qs


def transfer_list(*, user, location=None):
    """Transfers between stores, newest first."""
    return move_list(user=user, location=location, kind=Move.Kind.TRANSFER).select_related(
        "from_location", "to_location"
    )


def part_by_code(*, user, code: str):
    """The part with this code (or None)."""
    return part_list(user=user).filter(code=(code or "").strip()).first()


def work_order_by_number(*, user, number: str):
    """The work order with this number (or None)."""
    if not can_read(user) or not (number or "").strip():
        return None
    return WorkOrder.objects.filter(number=number.strip()).first()
