"""E-mail intake (as django-helpdesk does it): the service mailbox is polled over IMAP; each
unread mail from a known customer (their e-mail in notify's CustomerContact) goes through the
hotline's intake (`workorder_intake`, source self-service) — so a second mail about the same
open problem joins that order — with its attachments kept. A reply whose subject carries an
order's number in brackets (`Re: [WX2026-000123] ...`) is threaded to that order when it is
the sender's own. A mail from an unknown sender is kept for the desk. Each mail is read once
(its Message-ID is unique) and marked seen only after it is stored.

    SHOUHOU_MAIL_INTAKE = {"<organisation code>": {"host": "imap.example.cn", "port": 993,
                           "user": "service@…", "password": "…", "folder": "INBOX"}}
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import imaplib
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from shouhou.core.audit import audit_record
from shouhou.core.errors import ValidationFailed
from shouhou.notify.models import CustomerContact
from shouhou.workorders.models import Kind, Source, WorkOrder
from shouhou.workorders.services import workorder_intake

from .models import IntakeMail, MailAttachment

REFERENCE = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9\-]{3,29})\]")
MAX_ATTACHMENT = 10 * 1024 * 1024


def connect(conf: dict):
    box = imaplib.IMAP4_SSL(conf["host"], int(conf.get("port", 993)))
    box.login(conf["user"], conf["password"])
    return box


def _text(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    # The quoted history of a reply is not news.
    lines = []
    for line in text.splitlines():
        if line.startswith(">") or re.match(r"^(On .* wrote:|在.*写道：?)$", line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()[:5000]


def mail_store(*, organisation, raw: bytes, now=None) -> IntakeMail | None:
    """Store one mail and act on it (one transaction); None when it was read before."""
    now = now or timezone.now()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (msg.get("Message-ID") or "").strip()[:255]
    if not message_id:
        message_id = f"<no-id-{hash(raw)}>"
    if IntakeMail.objects.filter(organisation_id=organisation.pk, message_id=message_id).exists():
        return None
    sender = email.utils.parseaddr(msg.get("From", ""))[1].lower()[:254]
    subject = str(msg.get("Subject", ""))[:255]
    body = _text(msg)
    contact = (
        CustomerContact.objects.select_related("customer")
        .filter(organisation_id=organisation.pk, email__iexact=sender)
        .first()
        if sender
        else None
    )
    try:
        with transaction.atomic():
            mail = IntakeMail.objects.create(
                organisation=organisation,
                message_id=message_id,
                sender=sender,
                subject=subject,
                body=body,
                received_at=now,
                outcome=IntakeMail.Outcome.UNMATCHED,
            )
            if contact is not None:
                _intake(mail, contact.customer, now)
            for part in msg.iter_attachments():
                data = part.get_payload(decode=True) or b""
                if not data or len(data) > MAX_ATTACHMENT:
                    continue
                att = MailAttachment(
                    organisation=organisation, mail=mail, content_type=part.get_content_type()
                )
                att.file.save(part.get_filename() or "attachment", ContentFile(data), save=False)
                att.save()
            audit_record(
                actor=None,
                action="shouhou.portal.mail_received",
                obj=mail,
                after={"outcome": mail.outcome, "order": mail.order_id, "from": sender},
            )
    except IntegrityError:
        return None  # read at the same moment by another poller
    return mail


def _intake(mail: IntakeMail, customer, now) -> None:
    ref = REFERENCE.search(mail.subject)
    referenced = None
    if ref:
        referenced = WorkOrder.objects.filter(
            organisation_id=mail.organisation_id, number__iexact=ref.group(1), customer=customer
        ).first()
    description = (mail.body or mail.subject or "").strip()[:1000] or mail.subject
    kwargs = {"kind": Kind.REPAIR}
    if referenced is not None:  # the same problem: the intake joins it while it is open
        kwargs = {
            "kind": referenced.kind,
            "product": referenced.product,
            "product_model": referenced.product_model,
            "contract": referenced.contract,
        }
    try:
        result = workorder_intake(
            by=None,
            organisation=mail.organisation,
            source=Source.SELF_SERVICE,
            description=description,
            customer=customer,
            store=customer.store,
            now=now,
            **kwargs,
        )
    except ValidationFailed:
        return  # kept for the desk
    mail.order = result.order
    mail.outcome = IntakeMail.Outcome.JOINED if result.joined else IntakeMail.Outcome.CREATED
    mail.save(update_fields=["order", "outcome", "updated_at"])
