"""OrgSettings.for_org: the defaults row on first access, cached once committed, dropped on save."""

import pytest
from django.core.cache import cache

from shouhou.callbacks.models import CallbackSettings
from shouhou.delivery.models import DeliverySettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _committed_read(model, org, capture):
    with capture(execute=True):
        return model.for_org(org)


def test_the_first_read_creates_the_row_with_the_defaults(org):
    assert not CallbackSettings.objects.filter(organisation=org).exists()
    cfg = CallbackSettings.for_org(org)
    assert cfg.pk and cfg.max_attempts == CallbackSettings._meta.get_field("max_attempts").default
    assert CallbackSettings.for_org(org.pk).pk == cfg.pk  # an id works too
    assert CallbackSettings.objects.filter(organisation=org).count() == 1


def test_a_committed_read_is_served_from_the_cache(
    org, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first = _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    with django_assert_num_queries(0):
        again = CallbackSettings.for_org(org)
    assert again.pk == first.pk


def test_a_read_inside_an_open_transaction_is_not_cached_until_it_commits(
    org, django_assert_num_queries
):
    CallbackSettings.for_org(org)
    with django_assert_num_queries(1):
        CallbackSettings.for_org(org)


def test_saving_the_row_drops_it_from_the_cache(org, django_capture_on_commit_callbacks):
    cfg = _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    cfg.max_attempts = 7
    with django_capture_on_commit_callbacks(execute=True):
        cfg.save()
    assert CallbackSettings.for_org(org).max_attempts == 7


def test_deleting_the_row_drops_it_and_the_next_read_creates_the_defaults_again(
    org, django_capture_on_commit_callbacks
):
    cfg = _committed_read(DeliverySettings, org, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cfg.delete()
    fresh = DeliverySettings.for_org(org)
    assert fresh.pk != cfg.pk


def test_each_settings_model_has_its_own_cache_entry(org, django_capture_on_commit_callbacks):
    callbacks = _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    delivery = _committed_read(DeliverySettings, org, django_capture_on_commit_callbacks)
    assert type(CallbackSettings.for_org(org)) is CallbackSettings
    assert type(DeliverySettings.for_org(org)) is DeliverySettings
    assert CallbackSettings.cache_key(org.pk) != DeliverySettings.cache_key(org.pk)
    assert (callbacks.pk, delivery.pk) == (
        CallbackSettings.for_org(org).pk,
        DeliverySettings.for_org(org).pk,
    )


def test_an_update_of_the_row_drops_it_from_the_cache_too(org, django_capture_on_commit_callbacks):
    _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    CallbackSettings.objects.filter(organisation=org).update(max_attempts=9)
    assert CallbackSettings.for_org(org).max_attempts == 9


def test_each_caller_gets_its_own_copy_of_the_cached_row(org, django_capture_on_commit_callbacks):
    first = _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    first.max_attempts = 99  # changed, not saved (a form that failed validation)
    assert CallbackSettings.for_org(org).max_attempts != 99


def test_another_process_change_is_seen_through_the_shared_token_without_sql(
    org, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from shouhou.core import orgcache

    monkeypatch.setattr(orgcache, "_shared_backend", lambda: True)
    cache_ = CallbackSettings.org_cache()
    CallbackSettings.for_org(org)  # the row exists (its creation bumps the token too)
    cache_.invalidate(org)
    _committed_read(CallbackSettings, org, django_capture_on_commit_callbacks)
    entry = cache_._entries[org.pk]
    entry.checked = float("-inf")  # the check interval has passed; the backstop has not
    with django_assert_num_queries(0):
        CallbackSettings.for_org(org)
    # Another process saved the row: its drop bumped the shared token.
    cache_._bump(org.pk)
    entry.checked = float("-inf")
    with django_assert_num_queries(1):
        CallbackSettings.for_org(org)
