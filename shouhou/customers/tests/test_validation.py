"""Pure checks of names, addresses and phones (no database)."""

import datetime as dt

import pytest
from django.utils import translation

from shouhou.customers.validation import (
    AddressInvalid,
    split_phone_list,
    validate_address,
    validate_birthday,
    validate_customer_fields,
    validate_mobile,
    validate_other_phone,
    validate_person_name,
)

PLACEHOLDERS = [
    "",
    "   ",
    "某先生",
    "某女士",
    "某小姐",
    "某某",
    "王某",
    "X",
    "XX",
    "xx",
    "××",
    "王X",
    "李XX",
    "先生",
    "女士",
    "小姐",
    "客户",
    "顾客",
    "业主",
    "无",
    "未知",
    "不详",
    "test",
    "Test",
    "测试",
    "测试客户",
    "客户先生",
    "Mr X",
    "***",
]


@pytest.mark.parametrize("name", PLACEHOLDERS)
@pytest.mark.parametrize("allow_honorific", [False, True])
def test_placeholders_are_refused_even_when_honorifics_are_allowed(name, allow_honorific):
    with pytest.raises(ValueError):
        validate_person_name(name, allow_honorific=allow_honorific)


@pytest.mark.parametrize("name", ["123", "张三1", "王小明2号", "１２３"])
def test_names_with_digits_are_refused(name):
    with pytest.raises(ValueError, match="digits"), translation.override("en"):
        validate_person_name(name, allow_honorific=True)


@pytest.mark.parametrize("name", ["。。。", "---", "!!", "、"])
def test_punctuation_only_is_not_a_name(name):
    with pytest.raises(ValueError):
        validate_person_name(name, allow_honorific=True)


@pytest.mark.parametrize("name", ["王", "A", "李"])
def test_a_single_character_is_not_a_name(name):
    with translation.override("en"), pytest.raises(ValueError, match="One character"):
        validate_person_name(name, allow_honorific=True)


HONORIFICS = [
    "李先生",
    "王女士",
    "张小姐",
    "刘阿姨",
    "陈师傅",
    "赵总",
    "欧阳先生",
    "司马小姐",
    "诸葛女士",
    "老王",
    "小李",
    "Mr Smith",
]


@pytest.mark.parametrize("name", HONORIFICS)
def test_a_surname_with_an_honorific_is_accepted_as_not_full_when_allowed(name):
    assert validate_person_name(name, allow_honorific=True) == (name, False)


@pytest.mark.parametrize("name", HONORIFICS)
def test_a_surname_with_an_honorific_is_refused_when_a_full_name_is_needed(name):
    with translation.override("en"), pytest.raises(ValueError, match="full name"):
        validate_person_name(name, allow_honorific=False)


@pytest.mark.parametrize(
    "name",
    [
        "王小明",
        "李娜",
        "欧阳娜娜",
        "诸葛亮",
        "司马相如",
        "上官婉儿",
        "张三丰",
        "阿依古丽·买买提",
        "爱新觉罗·溥仪",
    ],
)
def test_normal_chinese_names_and_minority_names_are_full_names(name):
    assert validate_person_name(name, allow_honorific=False) == (name, True)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("王 小明", "王小明"),
        (" 李娜 ", "李娜"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("李明先生", "李明"),
    ],
)
def test_names_are_cleaned_of_typing_noise(typed, clean):
    assert validate_person_name(typed, allow_honorific=False) == (clean, True)


@pytest.mark.parametrize(
    "name", ["John Smith", "J. R. R. Tolkien", "O'Brien", "Zoë Müller", "Mary-Jane Watson"]
)
def test_latin_names_are_accepted(name):
    assert validate_person_name(name, allow_honorific=False) == (name, True)


@pytest.mark.parametrize("name", ["司马", "欧阳"])
def test_a_bare_compound_surname_is_not_a_full_name(name):
    with pytest.raises(ValueError):
        validate_person_name(name, allow_honorific=True)


@pytest.mark.parametrize("name", ["王Amy", "张三的老婆妹妹", "阿依古丽买买提艾山"])
def test_mixed_scripts_and_overlong_chinese_names_are_refused(name):
    with pytest.raises(ValueError):
        validate_person_name(name, allow_honorific=True)


def test_messages_are_translated_into_chinese():
    with translation.override("zh-hans"), pytest.raises(ValueError) as exc:
        validate_person_name("某先生", allow_honorific=True)
    assert "姓名" in str(exc.value) or "名字" in str(exc.value)


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("district", "detail"),
    [
        ("金水区", "花园路88号3号楼2单元501"),
        ("中牟县", "韩寺镇前王村"),
        ("朝阳区", "望京SOHO T1 1201"),
        ("浦东新区", "世纪大道100号"),
        ("二七区", "幸福小区5栋"),
    ],
)
def test_addresses_with_street_level_detail_are_accepted(district, detail):
    assert validate_address(district, detail) == (district, detail)


@pytest.mark.parametrize(
    "detail",
    ["", "家里", "同上", "不详", "abc", "家", "在家里面呢", "我也不知道啊", "地址同上啊啊"],
)
def test_address_details_without_street_level_detail_are_refused(detail):
    with pytest.raises(AddressInvalid) as exc:
        validate_address("金水区", detail)
    assert set(exc.value.errors) == {"detail"}


@pytest.mark.parametrize("district", ["", "无", "不详", "区", "123"])
def test_the_district_is_required_and_real(district):
    with pytest.raises(AddressInvalid) as exc:
        validate_address(district, "花园路88号")
    assert set(exc.value.errors) == {"district"}


def test_both_address_problems_are_reported_at_once():
    with pytest.raises(AddressInvalid) as exc:
        validate_address("", "同上")
    assert set(exc.value.errors) == {"district", "detail"}


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("19912345678", "19912345678"),
    ],
)
def test_mainland_mobiles_are_normalised_to_eleven_digits(typed, clean):
    assert validate_mobile(typed) == clean


@pytest.mark.parametrize(
    "typed",
    ["", "12345678901", "1381234567", "138123456789", "abc", "0371-65432100", "+1 212 555 0100"],
)
def test_a_mobile_must_be_a_real_mainland_mobile(typed):
    with pytest.raises(ValueError):
        validate_mobile(typed)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("0371-65432100", "0371-65432100"),
        ("037165432100", "0371-65432100"),
        ("010 6800 1234", "010-68001234"),
        ("021-58881234", "021-58881234"),
        ("13812345678", "13812345678"),
    ],
)
def test_other_phones_may_be_landlines_with_area_code(typed, clean):
    assert validate_other_phone(typed) == clean


@pytest.mark.parametrize("typed", ["65432100", "110", "0000"])
def test_a_landline_without_area_code_is_refused(typed):
    with pytest.raises(ValueError):
        validate_other_phone(typed)


def test_several_other_phones_can_be_typed_in_one_box():
    assert split_phone_list("0371-65432100，13912345678; 021-58881234\n") == [
        "0371-65432100",
        "13912345678",
        "021-58881234",
    ]


# --- all fields at once ------------------------------------------------------------------------


def test_every_bad_field_is_reported_at_once():
    _clean, errors = validate_customer_fields(
        name="某先生",
        mobile="123",
        district="",
        address_detail="家里",
        other_phones=["abc"],
        birthday="2999-01-01",
        member_no="",
        today=dt.date(2025, 6, 1),
    )
    assert set(errors) == {
        "name",
        "mobile",
        "district",
        "address_detail",
        "other_phones",
        "birthday",
    }


def test_other_phones_repeating_the_mobile_are_dropped():
    clean, errors = validate_customer_fields(
        mobile="13812345678",
        other_phones=["138 1234 5678", "0371-65432100", "037165432100"],
        today=dt.date(2025, 6, 1),
    )
    assert errors == {}
    assert clean["other_phones"] == ["0371-65432100"]


def test_a_birthday_in_the_future_or_before_1900_is_refused():
    today = dt.date(2025, 6, 1)
    assert validate_birthday("1980-02-29", today=today) == dt.date(1980, 2, 29)
    for bad in ("2025-06-02", "1899-12-31", "1980-13-01", "yesterday"):
        with pytest.raises(ValueError):
            validate_birthday(bad, today=today)
