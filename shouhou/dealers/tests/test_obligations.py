"""Dealer obligations: the parts stocking plan 30 days before the season (二.7) and the sales
representative's spot checks (四.5) are listed while missing."""

import datetime as dt

import pytest

from shouhou.core.errors import DuplicateError, PermissionDeniedError
from shouhou.dealers import selectors, services
from shouhou.dealers.models import DealerSettings

pytestmark = pytest.mark.django_db


def kinds(user, dealer, today):
    return sorted(
        m["kind"]
        for m in selectors.obligations_missing(user=user, today=today)
        if m["dealer"] == dealer
    )


def test_the_stocking_plan_is_missing_from_thirty_days_before_the_season(
    org, clerk, dealer, sales_rep
):
    conf = DealerSettings.for_org(org)
    conf.season_starts = ["03-01"]
    conf.save()
    services.spot_check_record(
        by=sales_rep, dealer=dealer, checked_on=dt.date.today(), records_checked=3, findings="合格"
    )
    today = dt.date.today()
    season = dt.date(today.year + 1, 3, 1)
    assert kinds(clerk, dealer, season - dt.timedelta(days=31)) == []
    assert kinds(clerk, dealer, season - dt.timedelta(days=30)) == ["stocking_plan"]
    services.stocking_plan_record(
        by=clerk, dealer=dealer, season_start=season, items="加热管 20；密封圈 50"
    )
    assert kinds(clerk, dealer, season - dt.timedelta(days=30)) == []
    with pytest.raises(DuplicateError):
        services.stocking_plan_record(
            by=clerk, dealer=dealer, season_start=season, items="再来一次"
        )


def test_a_dealer_without_a_recent_spot_check_is_listed(org, clerk, dealer, sales_rep):
    today = dt.date(2026, 6, 1)
    conf = DealerSettings.for_org(org)
    conf.season_starts = []
    conf.save()
    assert kinds(clerk, dealer, today) == ["spot_check"]
    services.spot_check_record(
        by=sales_rep,
        dealer=dealer,
        checked_on=dt.date(2026, 3, 3),
        records_checked=5,
        findings="两份记录缺签字",
    )
    assert kinds(clerk, dealer, today) == []
    assert kinds(clerk, dealer, dt.date(2026, 6, 2)) == ["spot_check"]  # 91 days later


def test_only_the_sales_representative_spot_checks(clerk, dealer, dealer_user):
    for user in (clerk, dealer_user):
        with pytest.raises(PermissionDeniedError):
            services.spot_check_record(
                by=user, dealer=dealer, checked_on=dt.date.today(), records_checked=1, findings="x"
            )
