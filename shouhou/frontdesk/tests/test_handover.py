"""The shift handover book (seed 004 2.1.2, 2.1.4, 1.4.3)."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.errors import InvalidTransition, PermissionDeniedError
from shouhou.frontdesk import carryover, services
from shouhou.frontdesk.models import Handover

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 12)


def _page(clerk, store):
    return services.handover_open(by=clerk, store=store, day=DAY, shift="early")


def test_opening_the_same_page_twice_gives_one_page(clerk, store):
    assert _page(clerk, store) == _page(clerk, store)
    assert Handover.objects.count() == 1


def test_the_handover_carries_over_what_is_open(clerk, store, customer, log):
    log(subject="问沙发到货")  # not answered
    follow = log(subject="问发票")
    services.contact_follow_up(by=clerk, contact=follow, note="问财务")
    log(subject="已答复", answer="答复了")
    log(kind="complaint", subject="态度差", convert=True)
    services.reservation_create(
        by=clerk, customer=customer, description="餐桌", promised_on=dt.date.today()
    )
    services.desk_return_register(
        by=clerk,
        kind="return",
        customer=customer,
        item="电水壶",
        reason="不加热",
        condition="外包装完好",
        stored_at="服务台二号柜",
    )
    page = services.handover_hand_over(by=clerk, handover=_page(clerk, store))
    sections = {s["key"]: s for s in page.carry_over}
    assert [i["text"].split(": ")[-1] for i in sections["unanswered"]["items"]] == [
        "问沙发到货",
        "态度差",
    ]
    assert "问财务" in sections["follow_ups"]["items"][0]["text"]
    assert "餐桌" in sections["reservations"]["items"][0]["text"]
    assert len(sections["complaints"]["items"]) == 1
    assert "服务台二号柜" in sections["desk_returns"]["items"][0]["text"]


def test_another_app_adds_a_section_through_the_registry(clerk, store):
    def lost_items(*, organisation, store, now):
        return {"key": "lost", "label": "遗留物品待移交", "items": [{"text": "黑色雨伞"}]}

    carryover.register_carry_over(lost_items)
    try:
        page = services.handover_hand_over(by=clerk, handover=_page(clerk, store))
    finally:
        carryover._SECTIONS.remove(lost_items)
    assert page.carry_over[-1] == {
        "key": "lost",
        "label": "遗留物品待移交",
        "items": [{"text": "黑色雨伞", "url": ""}],
    }


def test_the_incoming_clerk_signs_and_the_outgoing_cannot(clerk, colleague, store):
    page = _page(clerk, store)
    with pytest.raises(InvalidTransition):
        services.handover_sign(by=colleague, handover=page)  # not handed over yet
    page = services.handover_hand_over(by=clerk, handover=page)
    with pytest.raises(PermissionDeniedError):
        services.handover_sign(by=clerk, handover=page)
    page = services.handover_sign(by=colleague, handover=page)
    assert page.status == "signed" and page.incoming == colleague and page.signed_at


def test_notes_are_the_outgoing_clerks_and_final_once_handed_over(clerk, colleague, store):
    page = _page(clerk, store)
    with pytest.raises(PermissionDeniedError):
        services.handover_write(by=colleague, handover=page, notes="x")
    services.handover_write(by=clerk, handover=page, notes="3号柜钥匙在抽屉")
    page = services.handover_hand_over(by=clerk, handover=page)
    with pytest.raises(InvalidTransition):
        services.handover_write(by=clerk, handover=page, notes="改")


def test_morning_meeting_by_the_desk_and_daily_note_by_the_manager(clerk, manager, store):
    page = _page(clerk, store)
    services.handover_write(by=clerk, handover=page, morning_meeting="今日促销：沙发八折")
    with pytest.raises(PermissionDeniedError):
        services.handover_write(by=clerk, handover=page, manager_note="x")
    page = services.handover_write(by=manager, handover=page, manager_note="投诉两起已处理")
    assert page.morning_meeting and page.manager_note == "投诉两起已处理"


def test_handover_notes_with_a_forbidden_phrase_warn(clerk, store):
    page = services.handover_write(
        by=clerk, handover=_page(clerk, store), notes="顾客问退货，我不知道怎么办"
    )
    assert page.language_result["forbidden"] == ["我不知道"]


def test_the_handover_pages_work(client, clerk, colleague, store):
    client.force_login(clerk)
    resp = client.post(
        "/frontdesk/handovers/",
        {"store": store.pk, "desk": "服务台", "day": "2026-03-12", "shift": "early"},
    )
    assert resp.status_code == 302
    page = Handover.objects.get()
    assert client.post(f"/frontdesk/handovers/{page.pk}/hand-over/").status_code == 302
    client.force_login(colleague)
    assert client.post(f"/frontdesk/handovers/{page.pk}/sign/").status_code == 302
    page.refresh_from_db()
    assert page.status == "signed"


def test_the_handover_lists_lost_property_not_yet_on_an_end_of_day_list(clerk, store):
    from shouhou.lostfound import services as lost

    now = timezone.now()
    item = lost.item_register(
        by=clerk,
        store=store,
        category="umbrella",
        description="黑色折叠伞",
        found_place="一楼卫浴展区",
        finder_kind="customer",
        finder_name="热心顾客",
        found_at=now - dt.timedelta(hours=1),
        now=now,
    )
    page = services.handover_hand_over(
        by=clerk,
        handover=services.handover_open(
            by=clerk, store=store, day=timezone.localdate(), shift="early"
        ),
    )
    sections = {s["key"]: s for s in page.carry_over}
    texts = [i["text"] for i in sections["lost_items"]["items"]]
    assert any(item.number in t and "黑色折叠伞" in t for t in texts)
