from decimal import Decimal

import pytest

from shouhou.core.money import to_money
from shouhou.core.phones import mask_phone, normalise_phone


def test_money_keeps_two_decimals_as_decimal():
    assert to_money("12.5") == Decimal("12.50")
    assert to_money(Decimal("0")) == Decimal("0.00")


@pytest.mark.parametrize("bad", ["12.345", "abc", "", "NaN", "Infinity", None])
def test_money_refuses_what_is_not_an_amount_in_fen(bad):
    with pytest.raises(ValueError):
        to_money(bad)


def test_a_real_mobile_number_is_normalised_to_eleven_digits():
    assert normalise_phone("138 1234 5678") == "13812345678"
    assert normalise_phone("+86 139-0371-0001") == "13903710001"


def test_a_landline_with_area_code_is_accepted_unless_a_mobile_is_required():
    assert normalise_phone("0371-65551234") == "0371-65551234"
    with pytest.raises(ValueError):
        normalise_phone("0371-65551234", mobile_only=True)


@pytest.mark.parametrize(
    "bad", ["", "12345", "1381234567", "23812345678", "abcdefghijk", "+1 212 555 0100"]
)
def test_numbers_that_are_not_chinese_phone_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        normalise_phone(bad)


def test_mobiles_are_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0371-65551234").endswith("1234")
    assert mask_phone("") == ""
