import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shouhou.performance import demo, figures, selectors
from shouhou.performance.models import BonusStep, MonthClose, ScoreTier, ScoringSettings

from .factories import visited

pytestmark = pytest.mark.django_db


def test_the_demo_writes_the_default_scoring_once_and_closes_nothing(org, other_org):
    ctx = SimpleNamespace(orgs={"jiancai": org, "jiaju": other_org})
    demo.seed(ctx)
    demo.seed(ctx)
    assert ScoringSettings.objects.count() == 2
    assert ScoreTier.all_objects.filter(organisation=org).count() == 15
    assert BonusStep.all_objects.filter(organisation=org).count() == 5
    assert not MonthClose.all_objects.exists()


def test_a_technician_sees_this_months_score_on_the_dashboard(client, org, tech):
    now = timezone.localtime()
    start, _end = figures.month_bounds(now.date().replace(day=1))
    visit = max(start + dt.timedelta(hours=1), now - dt.timedelta(hours=3))
    visited(org, tech, visit)
    client.force_login(tech.user)
    html = client.get("/").content.decode()
    assert "/performance/me/" in html and "5.00" in html


def test_a_manager_is_told_when_last_month_is_not_closed(manager):
    (card,) = selectors.dashboard_cards(user=manager)
    assert card["alert"] is True and "month=" in card["url"]


def test_roles_without_access_get_no_card(make_user):
    assert selectors.dashboard_cards(user=make_user("warehouse_keeper")) == []
