import datetime as dt

import pytest

from shouhou.core.errors import Conflict, PermissionDeniedError
from shouhou.maintenance import checks, jobs, selectors, services
from shouhou.maintenance.models import DutyItem, DutyList, DutyTemplate
from shouhou.workorders.tests.factories import at


@pytest.fixture
def templates(org):
    from django_scopes import scope

    from shouhou.maintenance.defaults import TEMPLATES

    with scope(organisation=org.pk):
        return services.duty_templates_install_defaults(organisation=org, templates=TEMPLATES)


@pytest.fixture
def cs_supervisor(make_user, store):
    return make_user("cs_supervisor", store=store, display_name="刘主管")


def test_the_seeded_templates_are_organisation_data(templates, org):
    titles = set(DutyTemplate.all_objects.filter(organisation=org).values_list("title", flat=True))
    assert {"客服主管每日工作", "客服主管每周工作", "客服主管每月工作", "客服员每日工作"} <= titles
    assert "维修材料和工具核对" in titles


def test_each_period_becomes_a_list_for_each_person_holding_the_role_once(
    templates, cs_supervisor, clerk
):
    first = jobs.duties(at(2026, 3, 11, 7))
    lists = DutyList.all_objects.filter(user=cs_supervisor)
    assert {dl.template.period for dl in lists} == {"daily", "weekly", "monthly"}
    weekly = lists.get(template__period="weekly")
    assert (weekly.period_start, weekly.period_end) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))
    assert DutyList.all_objects.filter(user=clerk).count() == 1
    again = jobs.duties(at(2026, 3, 11, 9))
    assert again["lists"] == 0 and again["items"] == 0
    assert first["lists"] == 4
    daily = lists.get(template__period="daily")
    assert daily.items.count() == 12


def test_a_duty_is_ticked_once_by_the_person_named_with_a_note(templates, cs_supervisor, clerk):
    jobs.duties(at(2026, 3, 11, 7))
    item = DutyItem.all_objects.filter(duty_list__user=clerk).first()
    with pytest.raises(PermissionDeniedError):
        other = DutyItem.all_objects.filter(duty_list__user=cs_supervisor).first()
        services.duty_item_tick(by=clerk, item=other, now=at(2026, 3, 11, 9))
    item = services.duty_item_tick(by=clerk, item=item, note="已整理", now=at(2026, 3, 11, 9))
    assert item.done_by == clerk and item.note == "已整理" and not item.by_system
    with pytest.raises(Conflict):
        services.duty_item_tick(by=clerk, item=item, now=at(2026, 3, 11, 10))


def test_the_system_ticks_yesterdays_callbacks_only_when_all_were_made(
    templates, cs_supervisor, org, customer
):
    from shouhou.callbacks.models import CallbackTask

    task = CallbackTask.all_objects.create(
        organisation=org, customer=customer, kind="after_service", due_on=dt.date(2026, 3, 10)
    )
    jobs.duties(at(2026, 3, 11, 7))
    item = DutyItem.all_objects.get(
        duty_list__user=cs_supervisor, auto_check="callbacks.yesterday_done"
    )
    assert item.done_at is None
    CallbackTask.all_objects.filter(pk=task.pk).update(status=CallbackTask.Status.DONE)
    jobs.duties(at(2026, 3, 11, 12))
    item.refresh_from_db()
    assert item.done_at is not None and item.by_system and item.done_by is None


def test_another_app_adds_its_own_automatic_check(templates, cs_supervisor, org):
    from shouhou.maintenance.models import DutyTemplateItem

    tpl = DutyTemplate.all_objects.get(organisation=org, title="客服主管每日工作")
    DutyTemplateItem.all_objects.create(
        organisation=org,
        template=tpl,
        text="失物移交前台",
        auto_check="lostfound.moved",
        position=99,
    )
    seen = {}

    def moved(**kwargs):
        seen.update(kwargs)
        return True

    checks.register_auto_check("lostfound.moved", moved, "All lost items moved to the desk")
    try:
        jobs.duties(at(2026, 3, 11, 7))
    finally:
        checks._REGISTRY.pop("lostfound.moved")
    item = DutyItem.all_objects.get(auto_check="lostfound.moved")
    assert item.by_system and seen["user_id"] == cs_supervisor.pk


def test_the_board_shows_what_is_not_done_by_store_and_person_and_the_months_rate(
    templates, cs_supervisor, clerk, make_user, store
):
    manager = make_user("cs_manager", store=store)
    jobs.duties(at(2026, 3, 11, 7))
    for item in DutyItem.all_objects.filter(duty_list__user=clerk)[:7]:
        services.duty_item_tick(by=clerk, item=item, now=at(2026, 3, 11, 9))
    board = selectors.duty_board(user=manager, now=at(2026, 3, 11, 12))
    open_for_clerk = board["open"][store.name][clerk]
    assert len(open_for_clerk) == 14 - 7
    rate = next(r for r in board["rates"] if r["name"] == str(clerk))
    assert (rate["done"], rate["total"], rate["rate"]) == (7, 14, 50)
    with pytest.raises(PermissionDeniedError):
        selectors.duty_board(user=clerk)
