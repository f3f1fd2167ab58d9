"""Demo deliveries (after sales, staff, workorders and callbacks): the settings row of every
organisation, and for the confirmed contracts with a delivery date ahead a scheduled delivery —
some with workshop work, some ready with a crew and vehicle. Idempotent: a contract that has a
delivery is skipped. Sets `ctx.deliveries`: organisation code -> list of Delivery."""

from __future__ import annotations

import logging

from django.utils import timezone

from shouhou.core.errors import DomainError
from shouhou.org import roles as r
from shouhou.sales.models import Contract
from shouhou.staff.models import WorkKind
from shouhou.staff.services import can_work

from . import services
from .models import Delivery, DeliverySettings

log = logging.getLogger(__name__)
PER_ORG = 12
WORK = ["床头柜抽屉滑轨调整", "沙发面料清洁保养", "餐桌桌面打蜡", "柜门铰链更换"]


def _user_with(ctx, organisation, *roles):
    for u in (getattr(ctx, "users", None) or {}).values():
        if u.organisation_id == organisation.pk and u.is_active and r.has_role(u, *roles):
            return u
    return None


def seed(ctx) -> None:
    ctx.deliveries = {}
    today = timezone.localdate()
    for code, organisation in (getattr(ctx, "orgs", None) or {}).items():
        DeliverySettings.objects.get_or_create(organisation=organisation)
        ctx.deliveries[code] = []
        scheduler = _user_with(ctx, organisation, r.SALES, r.CS_SUPERVISOR)
        supervisor = _user_with(ctx, organisation, *services.SUPERVISOR_ROLES)
        if scheduler is None:
            continue
        contracts = [
            c
            for c in (getattr(ctx, "contracts", None) or {}).get(code, [])
            if c.status == Contract.Status.CONFIRMED
            and c.delivery_date is not None
            and c.delivery_date >= today
        ][:PER_ORG]
        crews = [
            s
            for s in (getattr(ctx, "staff", None) or {}).get(code, [])
            if WorkKind.DELIVERY in (s.kinds or [])
        ]
        for i, contract in enumerate(contracts):
            existing = Delivery.objects.filter(contract=contract).first()
            if existing is not None:
                ctx.deliveries[code].append(existing)
                continue
            try:
                d = services.delivery_schedule(
                    by=scheduler, contract=contract, scheduled_date=contract.delivery_date
                )
                if supervisor is not None and i % 3 == 0:
                    services.workshop_request_create(
                        by=supervisor, delivery=d, description=WORK[i % len(WORK)]
                    )
                elif supervisor is not None:
                    d = services.delivery_workshop_done(by=supervisor, delivery=d)
                    crew = next(
                        (
                            s
                            for s in crews
                            if can_work(staff=s, kind=WorkKind.DELIVERY, on_date=d.scheduled_date)
                        ),
                        None,
                    )
                    if crew is not None:
                        d = services.delivery_assign(
                            by=supervisor, delivery=d, crew=crew, vehicle=f"京A{12340 + i}"
                        )
            except DomainError as exc:
                log.warning("delivery demo: %s skipped: %s", contract, exc)
                continue
            ctx.deliveries[code].append(d)
