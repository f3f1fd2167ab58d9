import pytest

from shouhou.core.events import ALL_EVENTS, DomainEvent


def _event(name, on_commit):
    event = DomainEvent(f"test.{name}", payload=("thing",), on_commit=on_commit)
    yield event
    del ALL_EVENTS[event.name]


@pytest.fixture
def in_transaction():
    yield from _event("in_transaction", False)


@pytest.fixture
def after_commit():
    yield from _event("after_commit", True)


def test_an_event_in_the_transaction_reaches_its_subscriber_at_once(in_transaction):
    seen = []
    in_transaction.connect(lambda sender, thing, **kw: seen.append(thing), weak=False)
    in_transaction.publish(sender=None, thing=1)
    assert seen == [1]


def test_a_subscriber_error_in_the_transaction_reaches_the_publisher(in_transaction):
    def fail(sender, **kw):
        raise RuntimeError("no")

    in_transaction.connect(fail, weak=False)
    with pytest.raises(RuntimeError):
        in_transaction.publish(sender=None, thing=1)


@pytest.mark.django_db
def test_an_on_commit_event_waits_for_the_commit_and_a_failing_subscriber_does_not_stop_the_others(
    after_commit, django_capture_on_commit_callbacks
):
    seen = []

    def fail(sender, **kw):
        raise RuntimeError("no")

    after_commit.connect(fail, weak=False)
    after_commit.connect(lambda sender, thing, **kw: seen.append(thing), weak=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        after_commit.publish(sender=None, thing=2)
        assert seen == []
    assert len(callbacks) == 1
    assert seen == [2]


def test_an_event_refuses_a_payload_it_does_not_declare(in_transaction):
    in_transaction.connect(lambda sender, **kw: None, weak=False)
    with pytest.raises(TypeError):
        in_transaction.publish(sender=None, thing=1, other=2)
    with pytest.raises(TypeError):
        in_transaction.publish(sender=None)


def test_an_event_name_is_declared_once(in_transaction):
    with pytest.raises(ValueError):
        DomainEvent(in_transaction.name, payload=(), on_commit=False)


def test_the_apps_declare_their_events():
    assert {"workorders.completed", "workorders.cancelled", "delivery.signed"} <= set(ALL_EVENTS)
