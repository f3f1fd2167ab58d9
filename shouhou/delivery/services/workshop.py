"""Pre-delivery repair: the workshop's requests, their inspection, the delivery ready to load."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    ValidationFailed,
)

from ..models import Delivery, DeliveryTask, WorkshopRequest
from .common import (
    ALLOWED_FROM,
    SUPERVISOR_ROLES,
    WORKSHOP_ROLES,
    S,
    _check,
    _lock,
    _move,
    _require,
    _task_done,
)


@transaction.atomic
def workshop_request_create(*, by, delivery, description: str) -> WorkshopRequest:
    """维修保养需求单 to the workshop; due the configured working days before delivery."""
    org_id = _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    _check(d, "workshop_request")
    errors: dict = {}
    description = inputs.text(description, "description", errors, max_length=2000, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    req = WorkshopRequest.objects.create(
        organisation_id=org_id,
        delivery=d,
        description=description,
        due_on=d.workshop_due_on,
        created_by=by,
    )
    audit_record(actor=by, action="shouhou.workshop_request.created", obj=req, after=snapshot(req))
    return req


def _lock_request(by, request) -> WorkshopRequest:
    pk = request.pk if isinstance(request, WorkshopRequest) else inputs.as_id(request)
    row = (
        WorkshopRequest.objects.select_for_update()
        .select_related("delivery")
        .filter(organisation_id=getattr(by, "organisation_id", None), pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def _request_move(req: WorkshopRequest, old: str, new: str, **values) -> WorkshopRequest:
    if req.status != old or not WorkshopRequest.objects.filter(pk=req.pk, status=old).update(
        status=new, updated_at=timezone.now(), **values
    ):
        raise InvalidTransition(
            _("Not possible for a request that is %(status)s.")
            % {"status": req.get_status_display()}
        )
    req.refresh_from_db()
    return req


@transaction.atomic
def workshop_request_done(*, by, request, note: str = "") -> WorkshopRequest:
    """The workshop finished the work and hands the request back for inspection."""
    _require(by, *WORKSHOP_ROLES)
    req = _lock_request(by, request)
    errors: dict = {}
    note = inputs.text(note, "note", errors, max_length=2000)
    if errors:
        raise ValidationFailed(fields=errors)
    req = _request_move(
        req, WorkshopRequest.Status.OPEN, WorkshopRequest.Status.DONE,
        done_at=timezone.now(), work_note=note,
    )  # fmt: skip
    audit_record(actor=by, action="shouhou.workshop_request.done", obj=req, note=note)
    return req


@transaction.atomic
def workshop_request_inspect(*, by, request, passed: bool, note: str = "") -> WorkshopRequest:
    """The supervisor inspects: passed work is accepted, failed work goes back to the workshop.
    When every request of the delivery is accepted the delivery is ready for loading."""
    _require(by, *SUPERVISOR_ROLES)
    req = _lock_request(by, request)
    errors: dict = {}
    note = inputs.text(note, "note", errors, max_length=2000, required=not passed)
    if errors:
        raise ValidationFailed(fields=errors)
    if passed:
        req = _request_move(
            req, WorkshopRequest.Status.DONE, WorkshopRequest.Status.ACCEPTED,
            accepted_at=timezone.now(), inspect_note=note,
        )  # fmt: skip
    else:
        req = _request_move(
            req, WorkshopRequest.Status.DONE, WorkshopRequest.Status.OPEN,
            returned_count=req.returned_count + 1, inspect_note=note,
        )  # fmt: skip
    audit_record(
        actor=by,
        action="shouhou.workshop_request.accepted"
        if passed
        else "shouhou.workshop_request.returned",
        obj=req,
        note=note,
    )
    d = _lock(by, req.delivery_id)
    pending = d.workshop_requests.exclude(status=WorkshopRequest.Status.ACCEPTED).exists()
    if passed and not pending and d.status in ALLOWED_FROM["workshop_done"]:
        _workshop_done(by, d)
    return req


def _workshop_done(by, d: Delivery) -> Delivery:
    before = snapshot(d, ["status"])
    d = _move(d, "workshop_done", S.WORKSHOP_DONE)
    _task_done(d, DeliveryTask.Kind.WORKSHOP_LATE)
    audit_record(
        actor=by,
        action="shouhou.delivery.workshop_done",
        obj=d,
        before=before,
        after=snapshot(d, ["status"]),
    )
    return d


@transaction.atomic
def delivery_workshop_done(*, by, delivery) -> Delivery:
    """Inspection passed (or there was nothing to do): the goods are ready for loading."""
    _require(by, *SUPERVISOR_ROLES)
    d = _lock(by, delivery)
    _check(d, "workshop_done")
    if d.workshop_requests.exclude(status=WorkshopRequest.Status.ACCEPTED).exists():
        raise ValidationFailed(
            _("Some repair/maintenance work is not done and accepted yet."),
            code="workshop_pending",
        )
    return _workshop_done(by, d)
