"""Reading the State Council's holiday notice as published (pure: no database)."""

import datetime as dt

import pytest
from django.utils import translation

from shouhou.core.errors import ValidationFailed
from shouhou.workdays.notice import parse_notice

D = dt.date


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in their source language (the catalogue translates them)."""
    with translation.override("en"):
        yield


# Written in the published style (gov.cn) for 2027; the weekdays are 2027's.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

一、元旦：1月1日（星期五）至3日（星期日）放假，共3天。

二、春节：2月5日（农历除夕、星期五）至13日（农历正月初八、星期六）放假调休，共9天。2月20日（星期六）上班。

三、清明节：4月3日（星期六）至5日（星期一）放假，共3天。

四、劳动节：5月1日（星期六）至5日（星期三）放假调休，共5天。4月25日（星期日）、5月8日（星期六）上班。

五、端午节：6月9日（星期三）放假，共1天。

六、中秋节：9月15日（星期三）放假，共1天。

七、国庆节：10月1日（星期五）至7日（星期四）放假调休，共7天。9月26日（星期日）、10月9日（星期六）上班。

节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2026年11月4日
"""


def test_the_2027_notice_gives_every_day_off_and_every_make_up_working_day():
    n = parse_notice(NOTICE_2027)
    assert n.year == 2027 and n.warnings == []
    assert [(s.name, s.first, s.last, s.days) for s in n.sections] == [
        ("元旦", D(2027, 1, 1), D(2027, 1, 3), 3),
        ("春节", D(2027, 2, 5), D(2027, 2, 13), 9),
        ("清明节", D(2027, 4, 3), D(2027, 4, 5), 3),
        ("劳动节", D(2027, 5, 1), D(2027, 5, 5), 5),
        ("端午节", D(2027, 6, 9), D(2027, 6, 9), 1),
        ("中秋节", D(2027, 9, 15), D(2027, 9, 15), 1),
        ("国庆节", D(2027, 10, 1), D(2027, 10, 7), 7),
    ]
    assert len(n.holidays) == 29
    assert (D(2027, 2, 10), "春节") in n.holidays  # 初五, inside the range
    assert n.workdays == [
        (D(2027, 2, 20), "调休上班（春节）"),
        (D(2027, 4, 25), "调休上班（劳动节）"),
        (D(2027, 5, 8), "调休上班（劳动节）"),
        (D(2027, 9, 26), "调休上班（国庆节）"),
        (D(2027, 10, 9), "调休上班（国庆节）"),
    ]
    # the signature's date (2026年11月4日) is not read as a day


def test_the_short_form_of_the_issue_reads_the_same_way_with_the_year_given():
    text = (
        "元旦：1月1日放假，共1天。春节：2月15日至23日放假调休，共9天。"
        "2月14日（星期六）、2月28日（星期六）上班。"
    )
    n = parse_notice(text, 2026)
    assert [d for d, _ in n.holidays] == [D(2026, 1, 1)] + [
        D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)
    ]
    assert [d for d, _ in n.workdays] == [D(2026, 2, 14), D(2026, 2, 28)]


def test_a_range_across_months_and_half_width_punctuation_are_read():
    n = parse_notice(
        "春节:1月28日(农历除夕、周二)至2月4日(农历正月初七、周二)放假调休,共8天。", 2025
    )
    assert (n.sections[0].first, n.sections[0].last) == (D(2025, 1, 28), D(2025, 2, 4))


def test_two_holidays_joined_in_one_section_take_the_first_name():
    n = parse_notice(
        "国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。"
        "9月28日（周日）、10月11日（周六）上班。",
        2025,
    )
    assert n.sections[0].name == "国庆节、中秋节"
    assert {name for _d, name in n.holidays} == {"国庆节"}
    assert len(n.holidays) == 8 and len(n.workdays) == 2


def test_a_day_in_the_year_before_is_left_out_with_a_warning():
    n = parse_notice("元旦：2022年12月31日至2023年1月2日放假调休，共3天。", 2023)
    assert [d for d, _ in n.holidays] == [D(2023, 1, 1), D(2023, 1, 2)]
    assert n.warnings and "2022-12-31" in n.warnings[0]


def test_the_year_must_agree_with_the_notices_title():
    with pytest.raises(ValidationFailed) as exc:
        parse_notice(NOTICE_2027, 2028)
    assert exc.value.code == "notice_unreadable"
    assert "2027" in exc.value.fields["text"][0]


@pytest.mark.parametrize(
    "text,says",
    [
        ("hello world", "No holiday found"),
        ("春节：2月15日至23日放假调休，共8天。", "says 8 days"),
        ("春节：2月15日至23日放假调休，共9天。2月14日（星期日）上班。", "is a 星期日"),
        ("春节：2月15日至23日放假调休，共9天。2月16日上班。", "Saturday or Sunday"),
        ("春节：2月30日放假，共1天。", "is not a date"),
        ("春节：放假调休，共9天。", "no date before 放假"),
        ("春节：2月15日至23日放假。国庆节：2月20日放假。", "listed twice"),
        ("元旦：1月1日（星期一）放假，共1天。", "Is the year right?"),
    ],
)
def test_a_malformed_notice_is_refused_with_a_clear_reason(text, says):
    with pytest.raises(ValidationFailed) as exc:
        parse_notice(text, 2026)
    assert exc.value.code == "notice_unreadable"
    assert any(says in m for m in exc.value.fields["text"]), exc.value.fields


def test_without_a_year_and_without_a_title_the_year_is_asked_for():
    with pytest.raises(ValidationFailed) as exc:
        parse_notice("元旦：1月1日放假，共1天。")
    assert "which year" in exc.value.fields["text"][0]
