"""Demo data: service staff in every onboarding state, permits, fees and fines.

Idempotent: each person is keyed by (organisation, ID number) and skipped when already there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from shouhou.org import roles as r
from shouhou.org.models import User

from . import flows, services
from .conduct import conduct_rules_ensure
from .idnumbers import make_id_number
from .models import (
    FeeCharge,
    Fine,
    OnboardingApplication,
    Payment,
    ServiceStaff,
    StaffDocument,
    TrainingSession,
    WorkPermit,
)

PASSWORD = "demo12345"
D = flows.DONE

# name, kinds, employer, target step ("done" = permit issued), extra
PEOPLE = {
    "jiancai": [
        ("王建国", ["installation", "repair"], "merchant", D, "techlogin"),
        ("李明", ["installation"], "merchant", D, "techlogin"),
        ("张伟", ["delivery"], "merchant", D, "techlogin"),
        ("刘强", ["repair"], "mobile", D, "techlogin"),
        ("陈刚", ["installation", "delivery"], "mobile", D, "expired"),
        ("杨帆", ["installation"], "merchant", D, "suspended"),
        ("赵磊", ["warehouse"], "merchant", D, "fine"),
        ("黄勇", ["repair"], "mobile", D, "techlogin"),
        ("周杰", ["installation", "repair"], "merchant", flows.PERMIT, ""),
        ("吴斌", ["delivery"], "merchant", flows.FEES, ""),
        ("徐涛", ["installation"], "merchant", flows.FILING, ""),
        ("孙亮", ["warehouse", "delivery"], "merchant", flows.DOCUMENTS, ""),
        ("马超", ["repair"], "mobile", flows.DOCUMENTS, ""),
        ("朱军", ["installation"], "mobile", flows.APPLICATION, ""),
        ("胡斌", ["repair", "installation"], "mobile", flows.TRAINING, ""),
        ("郭鹏", ["installation"], "mobile", flows.ASSESSMENT, ""),
        ("何勇", ["repair"], "mobile", flows.FEES, ""),
        ("高峰", ["installation", "repair"], "mobile", flows.PERMIT, ""),
        ("林海", ["delivery"], "merchant", D, "left"),
    ],
    "jiaju": [
        ("罗军", ["delivery", "installation"], "store", D, "techlogin"),
        ("梁宇", ["installation"], "store", D, ""),
        ("宋涛", ["warehouse"], "store", flows.FEES, ""),
    ],
    "brand": [
        ("郑凯", ["repair"], "store", D, "techlogin"),
        ("谢东", ["repair", "installation"], "mobile", D, ""),
        ("韩冰", ["repair"], "mobile", flows.TRAINING, ""),
    ],
}
REGIONS = {"jiancai": "410105", "jiaju": "110105", "brand": "320102"}


def _user(ctx, org, username, role, display):
    existing = (
        User.objects.filter(organisation=org, groups__name=role).order_by("pk").first()
        if role != r.TECHNICIAN
        else None
    )
    if existing is not None:
        return existing
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, organisation=org, display_name=display)
        user.set_password(PASSWORD)
        user.save()
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    ctx.users[username] = user
    return user


def _receipt(org) -> str:
    n = Payment.all_objects.filter(organisation=org).count() + 1
    while True:
        number = f"SJ{org.code[:3].upper()}{n:06d}"
        if not Payment.all_objects.filter(organisation=org, receipt_no=number).exists():
            return number
        n += 1


def _docs(desk, staff, flow):
    if flow == flows.MERCHANT_FLOW:
        services.document_add(
            by=desk, staff=staff, kind=StaffDocument.Kind.INTRO_LETTER, note="商户介绍信原件"
        )
        for i in (1, 2):
            services.document_add(
                by=desk, staff=staff, kind=StaffDocument.Kind.PHOTO, note=f"彩色照片{i}"
            )
    else:
        services.document_add(
            by=desk, staff=staff, kind=StaffDocument.Kind.ID_CARD, note="身份证原件已核验"
        )
        services.document_add(
            by=desk, staff=staff, kind=StaffDocument.Kind.DIPLOMA, note="毕业证复印件"
        )
        services.document_add(
            by=desk, staff=staff, kind=StaffDocument.Kind.SKILL_CERT, note="职业技能证书"
        )
        services.document_add(by=desk, staff=staff, kind=StaffDocument.Kind.PHOTO, note="彩色照片")


def _advance(actors, org, staff, target, session):
    app = OnboardingApplication.objects.get(staff=staff, status=OnboardingApplication.Status.OPEN)
    while app.status == OnboardingApplication.Status.OPEN and app.step != target:
        step = app.step
        if step == flows.DOCUMENTS:
            _docs(actors["desk"], staff, app.flow)
        elif step == flows.TRAINING:
            services.attendance_record(
                by=actors["trainer"], session=session, staff=staff, present=True
            )
        elif step == flows.ASSESSMENT:
            services.assessment_record(
                by=actors["trainer"], staff=staff, kind="pre_job", score=86, session=session
            )
        elif step == flows.FEES:
            for charge in FeeCharge.objects.filter(application=app, paid_at__isnull=True):
                services.payment_record(
                    by=actors["finance"],
                    charge=charge,
                    amount=charge.amount,
                    receipt_no=_receipt(org),
                )
        role = app.current_step.role
        by = {r.SERVICE_DESK: actors["desk"], r.FINANCE: actors["finance"]}.get(
            role, actors["trainer"]
        )
        app = services.application_complete_step(by=by, application=app, step=step, note="演示数据")
    return app


def seed(ctx):
    conduct_rules_ensure()
    ctx.staff = {}
    now = timezone.now()
    today = timezone.localdate(now)
    tech_no = 1
    for code, people in PEOPLE.items():
        org = ctx.orgs.get(code)
        if org is None:
            continue
        services.settings_for(org)
        actors = {
            "desk": _user(
                ctx,
                org,
                "desk" if code == "jiancai" else f"desk_{code}",
                r.SERVICE_DESK,
                "售后总台",
            ),
            "finance": _user(
                ctx, org, "finance" if code == "jiancai" else f"finance_{code}", r.FINANCE, "财务"
            ),
            "trainer": _user(
                ctx,
                org,
                "trainer" if code == "jiancai" else f"trainer_{code}",
                r.TRAINING_OFFICER,
                "培训专员",
            ),
        }
        merchants = [m for m in getattr(ctx, "merchants", []) if m.organisation_id == org.pk]
        stores = [s for s in getattr(ctx, "stores", {}).values() if s.organisation_id == org.pk]
        session, _ = TrainingSession.objects.get_or_create(
            organisation=org,
            title="岗前培训：服务规范与安全",
            defaults={
                "kind": TrainingSession.Kind.PRE_JOB,
                "run_by": TrainingSession.RunBy.COMPANY,
                "starts_at": now - dt.timedelta(days=3),
                "hours": Decimal("4.0"),
                "location": "三楼培训室",
                "trainer": "客服售后部",
                "topics": "服务步骤、语言规范、上门礼仪、安全操作",
                "created_by": actors["trainer"],
            },
        )
        if merchants:
            TrainingSession.objects.get_or_create(
                organisation=org,
                title=f"{merchants[0].name}产品知识培训",
                defaults={
                    "kind": TrainingSession.Kind.PRODUCT,
                    "run_by": TrainingSession.RunBy.MERCHANT,
                    "merchant": merchants[0],
                    "starts_at": now - dt.timedelta(days=10),
                    "location": merchants[0].booth or "商户展位",
                    "trainer": merchants[0].contact_name or "商户讲师",
                    "topics": "新品安装要点、常见故障排除",
                    "created_by": actors["trainer"],
                },
            )
        ctx.staff[code] = []
        for i, (name, kinds, employer, target, extra) in enumerate(people, start=1):
            id_number = make_id_number(
                REGIONS[code], dt.date(1975 + i, (i % 12) + 1, (i % 27) + 1), 100 + i
            )
            staff = ServiceStaff.objects.filter(organisation=org, id_number=id_number).first()
            if staff is not None:
                ctx.staff[code].append(staff)
                continue
            merchant = (
                merchants[i % len(merchants)] if (employer == "merchant" and merchants) else None
            )
            if employer == "merchant" and merchant is None:
                employer = "mobile"
            store = stores[i % len(stores)] if (employer == "store" and stores) else None
            if employer == "store" and store is None:
                employer = "mobile"
            staff = services.staff_create(
                by=actors["desk"],
                name=name,
                mobile=f"139{REGIONS[code][:2]}{i:06d}",
                id_number=id_number,
                kinds=kinds,
                employer=employer,
                merchant=merchant,
                store=store,
                skills="持电工证" if "repair" in kinds else "",
            )
            _advance(actors, org, staff, target, session)
            # Spread the waiting times so the pipeline shows who has waited longest.
            OnboardingApplication.objects.filter(staff=staff, status="open").update(
                step_since=now - dt.timedelta(hours=7 * i)
            )
            staff.refresh_from_db()
            permit = WorkPermit.objects.filter(staff=staff).first()
            if permit is not None and permit.issued_on >= today:
                # Issued "today" by the seed, a permit would not cover the orders the other demos
                # walk a few hours back (before dawn in Shanghai, that is yesterday): the demo's
                # staff have worked here for a while.
                shift = dt.timedelta(days=30 + i)
                WorkPermit.objects.filter(pk=permit.pk).update(
                    issued_on=permit.issued_on - shift, valid_until=permit.valid_until - shift
                )
                permit.refresh_from_db()
            if extra == "techlogin" or (extra == "" and target == D and tech_no <= 3):
                user = _user(ctx, org, f"tech{tech_no}", r.TECHNICIAN, name)
                tech_no += 1
                ServiceStaff.objects.filter(pk=staff.pk).update(user=user)
            if extra == "expired" and permit:
                WorkPermit.objects.filter(pk=permit.pk).update(
                    issued_on=today - dt.timedelta(days=400),
                    valid_until=today - dt.timedelta(days=35),
                    status=WorkPermit.Status.EXPIRED,
                )
            if extra == "suspended" and permit:
                fine = services.fine_create(
                    by=actors["desk"],
                    staff=staff,
                    category=Fine.Category.LANGUAGE,
                    description="上门服务时对顾客说“这个我们不负责”，顾客投诉。",
                    amount="200.00",
                )
                Fine.objects.filter(pk=fine.pk).update(
                    occurred_at=now - dt.timedelta(hours=50), due_at=now - dt.timedelta(hours=26)
                )
                WorkPermit.objects.filter(pk=permit.pk).update(
                    status=WorkPermit.Status.SUSPENDED,
                    suspend_reason=WorkPermit.SuspendReason.FINE_OVERDUE,
                    status_changed_at=now,
                )
            if extra == "fine" and permit:
                services.fine_create(
                    by=actors["desk"],
                    staff=staff,
                    category=Fine.Category.UNIFORM,
                    description="送货时未穿工装、未戴胸卡。",
                    amount="50.00",
                )
                paid = services.fine_create(
                    by=actors["desk"],
                    staff=staff,
                    category=Fine.Category.LATE,
                    description="预约上门迟到40分钟，未提前告知顾客。",
                    amount="100.00",
                )
                services.payment_record(
                    by=actors["finance"], fine=paid, amount=paid.amount, receipt_no=_receipt(org)
                )
            if extra == "left" and permit:
                services.staff_leave(by=actors["desk"], staff=staff, note="个人原因离职")
                services.deposit_refund(
                    by=actors["finance"], staff=staff, voucher_no=f"TK{org.pk}{i:05d}"
                )
            staff.refresh_from_db()
            ctx.staff[code].append(staff)
    # This month's management fees for everyone working (idempotent, like the job).
    from .jobs import raise_monthly_fees

    raise_monthly_fees(now)
    return ctx
