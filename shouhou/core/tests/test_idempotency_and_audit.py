import pytest
from django.template import Context, Template

from shouhou.core.audit import audit_events_for, audit_record, snapshot
from shouhou.core.errors import ValidationFailed
from shouhou.core.idempotency import run_idempotent
from shouhou.core.models import AuditEvent, IdempotencyKey


@pytest.mark.django_db
def test_the_same_key_runs_the_action_once_and_replays_its_answer(clerk):
    calls = []

    def action():
        calls.append(1)
        return 201, {"id": len(calls)}

    first = run_idempotent(user=clerk, scope="x", key="k1", action=action)
    second = run_idempotent(user=clerk, scope="x", key="k1", action=action)
    assert first == (201, {"id": 1}, False)
    assert second == (201, {"id": 1}, True)
    assert calls == [1]


@pytest.mark.django_db
def test_a_failed_action_keeps_no_key_so_the_client_can_retry(clerk):
    def failing():
        raise ValidationFailed(fields={"name": ["bad"]})

    with pytest.raises(ValidationFailed):
        run_idempotent(user=clerk, scope="x", key="k2", action=failing)
    assert not IdempotencyKey.objects.filter(key="k2").exists()
    assert run_idempotent(user=clerk, scope="x", key="k2", action=lambda: (201, {}))[2] is False


@pytest.mark.django_db
def test_keys_are_per_user_and_per_endpoint(clerk, make_user):
    other = make_user("clerk")
    run_idempotent(user=clerk, scope="a", key="k", action=lambda: (201, {"n": 1}))
    assert run_idempotent(user=other, scope="a", key="k", action=lambda: (201, {"n": 2}))[1] == {
        "n": 2
    }
    assert run_idempotent(user=clerk, scope="b", key="k", action=lambda: (201, {"n": 3}))[1] == {
        "n": 3
    }


@pytest.mark.django_db
def test_an_audit_event_records_actor_action_and_the_change(clerk, store):
    before = snapshot(store)
    store.hotline = "0371-11112222"
    store.save()
    audit_record(
        actor=clerk, action="shouhou.store.updated", obj=store, before=before, after=snapshot(store)
    )
    event = AuditEvent.all_objects.get()
    assert event.actor == clerk and event.organisation_id == store.organisation_id
    assert event.before["hotline"] == "4008001234" and event.after["hotline"] == "0371-11112222"
    assert audit_events_for(store) == [event]


@pytest.mark.django_db
def test_the_timeline_shows_who_changed_what(clerk, store):
    audit_record(
        actor=clerk,
        action="shouhou.store.updated",
        obj=store,
        before={"hotline": "1"},
        after={"hotline": "2"},
        note="换号",
    )
    html = Template("{% load shouhou %}{% timeline store %}").render(Context({"store": store}))
    assert (
        "王客服" in html and "shouhou.store.updated" in html and "1 → 2" in html and "换号" in html
    )


@pytest.mark.django_db
def test_a_replay_that_finds_the_first_request_still_running_waits_then_says_so(clerk, monkeypatch):
    import shouhou.core.idempotency as idem

    IdempotencyKey.objects.create(user=clerk, scope="x", key="busy")  # no answer yet
    clock = iter(range(0, 1000))
    monkeypatch.setattr(idem.time, "sleep", lambda s: None)
    monkeypatch.setattr(idem.time, "monotonic", lambda: next(clock))
    from shouhou.core.errors import Conflict

    with pytest.raises(Conflict) as err:
        run_idempotent(user=clerk, scope="x", key="busy", action=lambda: (201, {}))
    assert err.value.code == "request_in_progress"
