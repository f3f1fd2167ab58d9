"""The customer's own feedback (seed 003 第五步, DOMAIN.md §6): a signed, expiring link.

The agent copies a ready SMS text (no SMS gateway is needed) with a link to a phone-friendly page
where the customer rates the service 1–5 and leaves a comment. The answer is a callback record
(channel "self feedback", no caller) and closes the task, through the same `_record_write` as a
phone callback: a task is recorded once, whoever answers first.

The token is signed with its own salt and carries the task, the organisation and the time it was
issued; it is valid for the organisation's `feedback_link_days` (callback settings). A forged
token is "not valid" (404), an old one "expired" (410), a second answer 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings as dj_settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import DomainError, InvalidTransition, NotFoundError, ValidationFailed
from shouhou.core.links import load_customer_link, sign_customer_link
from shouhou.core.middleware import organisation_scope
from shouhou.org import roles as r

from . import records
from .models import CallbackRecord, CallbackTask
from .services import settings_for

SALT = "shouhou.callbacks.feedback"
FEEDBACK_KINDS = records.SERVICE_KINDS


class LinkExpired(DomainError):
    status = 410
    code = "link_expired"
    default_message = gettext_lazy("This link has expired.")


def _invalid() -> NotFoundError:
    return NotFoundError(_("This link is not valid."), code="link_invalid")


@dataclass(frozen=True)
class FeedbackLink:
    token: str
    url: str  # absolute path, e.g. /callbacks/feedback/<token>/
    expires_at: dt.datetime


def feedback_token(task: CallbackTask, now: dt.datetime | None = None) -> str:
    issued = int((now or timezone.now()).timestamp())
    return sign_customer_link({"t": task.pk, "g": task.organisation_id, "i": issued}, salt=SALT)


def feedback_link_for(task: CallbackTask, now: dt.datetime | None = None) -> FeedbackLink:
    """The signed link for a task (service callbacks only: not for greetings)."""
    now = now or timezone.now()
    if task.kind not in FEEDBACK_KINDS:
        raise InvalidTransition(
            _("Greetings have no feedback link."), code="no_feedback_for_greetings"
        )
    days = settings_for(task.organisation_id).feedback_link_days
    token = feedback_token(task, now)
    return FeedbackLink(
        token=token,
        url=reverse("callbacks:feedback", kwargs={"token": token}),
        expires_at=now + dt.timedelta(days=days),
    )


def _masked_name(customer) -> str:
    name = (customer.name or "").strip()
    if not name or not customer.name_is_full:
        return name  # e.g. 李先生: already how the customer is addressed
    surname = name[0]
    if customer.gender == "m":
        return _("Mr %(surname)s") % {"surname": surname}
    if customer.gender == "f":
        return _("Ms %(surname)s") % {"surname": surname}
    return surname + "*" * (len(name) - 1)


def _store_name(task: CallbackTask) -> str:
    store = None
    if task.work_order_id:
        store = task.work_order.store
    elif task.delivery_id:
        store = task.delivery.contract.store
    store = store or task.customer.store
    return store.name if store else str(task.organisation)


def feedback_sms_text(
    task: CallbackTask, *, base_url: str = "", now: dt.datetime | None = None
) -> str:
    """The SMS to send (in the site's language, Chinese): store, customer, link, validity.

    `base_url` (e.g. "https://shouhou.example.com") makes the link absolute."""
    link = feedback_link_for(task, now)
    days = settings_for(task.organisation_id).feedback_link_days
    with translation.override(dj_settings.LANGUAGE_CODE):
        return _(
            "[%(store)s] Dear %(name)s, thank you for choosing our service. Please rate it and "
            "tell us what you think: %(url)s (valid for %(days)d days)"
        ) % {
            "store": _store_name(task),
            "name": _masked_name(task.customer),
            "url": f"{base_url.rstrip('/')}{link.url}",
            "days": days,
        }


def feedback_link(*, by, task, now=None, base_url: str = "") -> dict:
    """For the agent (page and API): the link and the SMS text of one of their organisation's
    open service tasks."""
    r.require_role(by, *records.RECORD_ROLES)
    org_id = records._org_id(by)
    pk = task.pk if isinstance(task, CallbackTask) else inputs.as_id(task)
    t = (
        CallbackTask.objects.select_related(
            "customer__store", "work_order__store", "delivery__contract__store", "organisation"
        )
        .filter(organisation_id=org_id, pk=pk)
        .first()
        if pk
        else None
    )
    if t is None:
        raise NotFoundError()
    records.check_recordable(t, t.work_order, t.delivery)
    link = feedback_link_for(t, now)
    return {
        "task": t,
        "token": link.token,
        "url": f"{base_url.rstrip('/')}{link.url}",
        "expires_at": link.expires_at,
        "sms_text": feedback_sms_text(t, base_url=base_url, now=now),
    }


def feedback_scope(token: str):
    """The scope of the organisation a feedback token names (nothing for a forged token): the
    public page reads and writes inside it, like a logged-in request of that organisation."""
    try:
        org_id = int(load_customer_link(str(token or ""), salt=SALT)["g"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        org_id = None
    return organisation_scope(org_id)


def feedback_task_for(token: str, now: dt.datetime | None = None) -> CallbackTask:
    """The task a token points to: forged 404, expired 410 (the task may be closed already)."""
    now = now or timezone.now()
    try:
        data = load_customer_link(str(token or ""), salt=SALT)
        task_id, org_id, issued = int(data["t"]), int(data["g"]), int(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _invalid() from exc
    task = (
        CallbackTask.objects.select_related(
            "customer__store", "work_order__store", "delivery__contract__store", "organisation"
        )
        .filter(pk=task_id, organisation_id=org_id)
        .first()
    )
    if task is None or task.kind not in FEEDBACK_KINDS:
        raise _invalid()
    days = settings_for(org_id).feedback_link_days
    if now.timestamp() - issued > days * 86400:
        raise LinkExpired()
    return task


def feedback_submit(*, token: str, satisfaction, comment: str = "", now=None) -> CallbackRecord:
    """The customer's answer through the link: a callback record (self feedback) and the task
    done, once. Nothing is written on any error."""
    now = now or timezone.now()
    task = feedback_task_for(token, now)
    with transaction.atomic():
        task = records._lock_task(task.organisation_id, task.pk)
        records.check_recordable(task, task.work_order, task.delivery, self_feedback=True)
        errors: dict = {}
        score = records.satisfaction_value(satisfaction, errors, required=True)
        comment = inputs.text(comment, "comment", errors, max_length=records.MAX_TEXT)
        if errors:
            raise ValidationFailed(fields=errors)
        answer_rows = [
            (q, str(score), score)
            for q in records.questions_for(task.organisation_id, task.kind)
            if q.code == records.SATISFACTION
        ]
        record = records._record_write(
            organisation_id=task.organisation_id,
            task=task,
            customer=task.customer,
            work_order=task.work_order,
            delivery=task.delivery,
            channel=CallbackRecord.Channel.SELF_FEEDBACK,
            called_at=now,
            caller=None,
            satisfaction=score,
            technician_came=None,
            on_time=None,
            problem_solved=None,
            comment=comment,
            answer_rows=answer_rows,
        )
        audit_record(
            actor=None,
            action="shouhou.callback_record.self_feedback",
            obj=record,
            after=snapshot(record),
        )
    return record
