"""Demo cases in every state of the four flows (for the market "jiancai"), decided by the promise
rules on the day the customer came, approved by the demo users (clerk, supervisor, manager,
storemgr, vp, gm). Idempotent: each scenario is recognised by its description."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from shouhou.core.errors import DomainError
from shouhou.promises.services import promise_decide

from . import services
from .models import Case, ComplaintCause

log = logging.getLogger(__name__)


def _lines(ctx, code):
    contracts = (getattr(ctx, "contracts", None) or {}).get(code, [])
    out = []
    for c in contracts:
        if c.status == "cancelled":
            continue
        for line in c.lines.select_related("product"):
            out.append(line)
    return out


def _cause(org, code):
    return ComplaintCause.all_objects.filter(organisation=org, code=code).first()


def seed(ctx) -> None:
    for org in (getattr(ctx, "orgs", None) or {}).values():
        services.complaints_ensure_defaults(org)
    users = getattr(ctx, "users", None) or {}
    org = (getattr(ctx, "orgs", None) or {}).get("jiancai")
    needed = ("clerk", "supervisor", "manager", "storemgr", "vp", "gm")
    if org is None or any(u not in users for u in needed):
        return
    clerk, sup, mgr, sm, vp, gm = (users[u] for u in needed)
    lines = _lines(ctx, "jiancai")
    plain = [
        line
        for line in lines
        if not line.product.needs_installation and not line.product.is_single_use
    ]
    installed = [
        line
        for line in lines
        if line.product.needs_installation
        and line.product.is_electronic
        and not line.product.is_bulb_or_speaker
    ]
    any_lines = lines

    def exists(text):
        return Case.all_objects.filter(organisation=org, description=text).exists()

    def decided(line, wanted, *, installed_by="not_installed", days=3):
        sold = line.contract.delivered_on or line.contract.signed_on
        return promise_decide(
            by=clerk,
            contract_line=line,
            wanted=wanted,
            installed_by=installed_by,
            installed_on=sold if installed_by != "not_installed" else None,
            on=sold + dt.timedelta(days=days),
        )

    def complaint(text, line, cause):
        return services.case_register(
            by=clerk,
            kind="complaint",
            customer=line.contract.customer,
            contract=line.contract,
            product=line.product,
            description=text,
            cause=_cause(org, cause),
        )

    scenarios = []

    def scenario(fn):
        scenarios.append(fn)
        return fn

    @scenario
    def registered():
        text = "送货员态度生硬,要求道歉(演示)"
        if any_lines and not exists(text):
            complaint(text, any_lines[0], "attitude")

    @scenario
    def inspecting():
        text = "安装后柜门不平,要求上门查看(演示)"
        if any_lines and not exists(text):
            case = complaint(text, any_lines[1 % len(any_lines)], "installation")
            services.case_start_inspection(by=clerk, case=case)

    @scenario
    def awaiting_manager():
        text = "维修迟到两次,要求补偿(演示)"
        if any_lines and not exists(text):
            case = complaint(text, any_lines[2 % len(any_lines)], "timeliness")
            services.case_submit(by=clerk, case=case, resolution="赠送保养一次", compensation="800")

    @scenario
    def exchange_awaiting_vp():
        text = "新品有划痕,要求换货并补偿误工(演示)"
        if plain and not exists(text):
            case = services.case_register(
                by=clerk, kind="exchange", decision=decided(plain[0], "exchange"), description=text
            )
            case = services.case_submit(
                by=clerk, case=case, resolution="换新并补偿误工", compensation="3000"
            )
            services.case_sign(by=sm, case=case)  # over ¥2,000: store manager, then the VP

    @scenario
    def exchange_approved():
        text = "开关失灵,要求换货(演示)"
        if len(plain) > 1 and not exists(text):
            case = services.case_register(
                by=clerk, kind="exchange", decision=decided(plain[1], "exchange"), description=text
            )
            case = services.case_submit(by=clerk, case=case, resolution="同型号换新")
            services.case_sign(by=clerk, case=case)

    @scenario
    def return_carried_out():
        text = "颜色与样品不符,要求退货(演示)"
        if len(plain) > 2 and not exists(text):
            case = services.case_register(
                by=clerk, kind="return", decision=decided(plain[2], "return"), description=text
            )
            case = services.case_submit(by=clerk, case=case, resolution="全额退款")
            services.case_sign(by=clerk, case=case)
            services.case_carry_out(by=clerk, case=case)

    @scenario
    def return_done():
        text = "质量问题,七日内退货(演示)"
        if len(plain) > 3 and not exists(text):
            case = services.case_register(
                by=clerk, kind="return", decision=decided(plain[3], "return"), description=text
            )
            case = services.case_submit(by=clerk, case=case, resolution="全额退款")
            services.case_sign(by=clerk, case=case)
            services.case_carry_out(by=clerk, case=case)
            services.case_close(by=clerk, case=case)

    @scenario
    def refused():
        text = "要求按原价十倍赔偿(演示)"
        if any_lines and not exists(text):
            case = complaint(text, any_lines[3 % len(any_lines)], "price")
            services.case_refuse(
                by=sup, case=case, reason="无质量问题,要求超出服务承诺,已向顾客解释"
            )

    @scenario
    def installed_exchange_done():
        text = "油烟机安装后不吸烟,要求换机(演示)"
        if installed and not exists(text):
            case = services.case_register(
                by=clerk,
                kind="installed_exchange",
                decision=decided(installed[0], "exchange", installed_by="us", days=2),
                description=text,
            )
            case = services.case_start_inspection(by=clerk, case=case)
            case = (
                services.case_set_responsibility(
                    by=clerk, case=case, responsibility="supplier", findings="电机故障"
                )
                if installed[0].product.supplier_id
                else case
            )
            case = services.case_submit(by=clerk, case=case, resolution="换机并重新安装")
            services.case_sign(by=sup, case=case)
            services.case_carry_out(by=clerk, case=case)
            services.case_close(by=clerk, case=case)

    @scenario
    def workmanship_done():
        text = "瓷砖空鼓,要求返工(演示)"
        if any_lines and not exists(text):
            case = complaint(text, any_lines[4 % len(any_lines)], "installation")
            services.case_set_responsibility(
                by=clerk, case=case, responsibility="workmanship", findings="铺贴砂浆不饱满"
            )
            services.case_add_repair_item(
                by=clerk, case=case, item="瓷砖", quantity=6, unit_cost="45.00"
            )
            services.case_add_repair_item(
                by=clerk, case=case, item="人工", quantity=1, unit_cost="200.00"
            )
            services.penalty_issue(
                by=sup, case=case, person=clerk, reason="验收未发现空鼓", amount="50"
            )
            case = services.case_submit(
                by=clerk, case=case, resolution="返工并赠送清洁", compensation="470"
            )
            services.case_sign(by=mgr, case=case)
            services.case_sign(by=sm, case=case)
            services.case_close(by=clerk, case=case)

    @scenario
    def awaiting_gm():
        text = "漏水泡坏地板,要求赔偿(演示)"
        if any_lines and not exists(text):
            case = complaint(text, any_lines[5 % len(any_lines)], "product_quality")
            if case.product and case.product.supplier_id:
                services.case_set_responsibility(
                    by=clerk, case=case, responsibility="supplier", findings="阀门破裂"
                )
                services.case_record_supplier_claim(by=clerk, case=case, amount="6500.00")
            case = services.case_submit(
                by=clerk, case=case, resolution="赔偿地板损失", compensation="6500"
            )
            services.case_sign(by=sm, case=case)  # over ¥5,000: store manager, then the GM

    for fn in scenarios:
        try:
            with transaction.atomic():
                fn()
        except DomainError as exc:
            log.warning("complaints demo %s skipped: %s", fn.__name__, exc)
