"""Contract numbers: unique per organisation, race-safe (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from shouhou.sales.models import Contract
from shouhou.sales.services import next_contract_number

from .factories import sign

pytestmark = pytest.mark.django_db


def test_many_contracts_get_distinct_rising_numbers(clerk, customer, store, goods):
    numbers = [
        sign(clerk, customer=customer, store=store, product=goods[0]).number for _ in range(12)
    ]
    assert len(set(numbers)) == 12
    assert numbers == sorted(numbers)


def test_the_prefix_comes_from_the_organisations_settings(clerk, customer, store, goods, org):
    from shouhou.sales.selectors import sales_settings

    settings = sales_settings(org)
    settings.contract_number_prefix = "HY"
    settings.save()
    c = sign(clerk, customer=customer, store=store, product=goods[0])
    assert c.number.startswith(f"HY{c.signed_on.year}-")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_concurrent_signings_never_share_a_number(clerk, customer, store, goods):
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def go():
        from django.db import connection as conn

        try:
            with scopes_disabled():
                barrier.wait()
                numbers.append(sign(clerk, customer=customer, store=store, product=goods[0]).number)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(numbers)) == 4
    assert Contract.objects.count() == 4


def test_next_number_is_zero_padded(org):
    assert next_contract_number(org.pk, 2026) == "HT2026-000001"
    assert next_contract_number(org.pk, 2026) == "HT2026-000002"
