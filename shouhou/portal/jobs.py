"""The e-mail poller: every configured organisation's service mailbox, one at a time."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.utils import timezone
from django_scopes import scope


def poll_mail(now=None, *, connect=None) -> dict:
    from shouhou.org.models import Organisation

    from . import mail

    now = now or timezone.now()
    connect = connect or mail.connect
    counts = {"read": 0, "stored": 0, "errors": 0}
    for code, conf in (getattr(settings, "SHOUHOU_MAIL_INTAKE", {}) or {}).items():
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            continue
        try:
            box = connect(conf)
        except OSError:
            counts["errors"] += 1
            continue
        try:
            box.select(conf.get("folder", "INBOX"))
            _typ, data = box.search(None, "UNSEEN")
            for num in (data[0] or b"").split():
                _typ, parts = box.fetch(num, "(RFC822)")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if raw is None:
                    continue
                counts["read"] += 1
                with scope(organisation=org.pk):
                    if mail.mail_store(organisation=org, raw=raw, now=now) is not None:
                        counts["stored"] += 1
                box.store(num, "+FLAGS", "\\Seen")  # only once the mail is stored
        finally:
            with contextlib.suppress(OSError):
                box.logout()
    return counts
