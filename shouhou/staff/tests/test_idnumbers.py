import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from shouhou.staff.idnumbers import (
    check_char,
    is_valid_id_number,
    make_id_number,
    mask_id_number,
    normalise_id_number,
)


def test_a_published_example_number_is_valid():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"


def test_a_wrong_check_digit_is_refused_with_a_clear_message():
    with translation.override("en"), pytest.raises(ValueError, match="check digit"):
        normalise_id_number("110105194912310021")
    with translation.override("zh-hans"), pytest.raises(ValueError, match="校验位"):
        normalise_id_number("110105194912310021")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234",
        "11010519491231002A",
        "990105194912310020",
        "110105194902300020",
        "110105299912310020",
    ],
)
def test_malformed_numbers_are_refused(raw):
    assert not is_valid_id_number(raw)


def test_a_birth_date_in_the_future_is_refused():
    number = make_id_number("410105", dt.date.today() + dt.timedelta(days=2), 1)
    assert not is_valid_id_number(number)


def test_numbers_are_masked_keeping_four_characters_each_side():
    assert mask_id_number("410105198001011234") == "4101**********1234"


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2005, 12, 31)),
    seq=st.integers(0, 999),
)
def test_every_built_number_validates_and_any_changed_digit_is_caught(born, seq):
    number = make_id_number("330106", born, seq)
    assert is_valid_id_number(number)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert not is_valid_id_number(wrong)
    assert check_char(number[:17]) == number[17]
