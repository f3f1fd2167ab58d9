"""Reading the State Council's holiday notice (国务院办公厅关于N年部分节假日安排的通知) as published.

No ORM: `parse_notice(text, year=None) -> Notice` or `ValidationFailed` (field "text") listing
every line it cannot read. The text is pasted as it appears on gov.cn, for example::

    一、元旦：1月1日（星期五）放假，共1天。
    二、春节：2月6日（农历除夕、星期六）至14日（农历正月初八、星期日）放假调休，共9天。
    2月20日（星期六）上班。

Each section is a holiday's name (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, or two joined
by "、", e.g. "国庆节、中秋节"), a colon, the days off ("M月D日[至[M月]D日]放假[调休]", "共N天" or
"放假N天"), then any make-up working days ("M月D日（星期六）、M月D日（星期日）上班"). Every day of
a range is a holiday (weekend days included, so the name is known); a joined section's days take
its first name. Checks, each a clear error: the stated number of days matches the range; a
weekday the notice states ("星期六", "周日") is that date's weekday in the year (a wrong year shows
at once); a make-up working day is a Saturday or Sunday; no date twice. Dates in another year (元旦
may begin on 31 December) are left out with a warning. Text outside the sections (the preamble,
the closing paragraph, the signature and its date) is ignored.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shouhou.core.errors import ValidationFailed

from .package import MAKEUP_DAY

WEEKDAYS = "一二三四五六日"  # Monday .. Sunday; 天 is read as 日
NAME = r"(?:元旦|[\u4e00-\u9fff]{1,5}节)"
SECTION = re.compile(
    rf"(?:^|(?<=[\s。;]))(?:[一二三四五六七八九十]+[、.]\s*)?({NAME}(?:\s*[、和]\s*{NAME})*)\s*:"
)
DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(\([^)]*\))?")
STATED_DAYS = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
TITLE_YEAR = re.compile(r"(\d{4})\s*年\s*(?:部分)?节假日|现将\s*(\d{4})\s*年")
RANGE_WORDS = re.compile(r"至|到|~|-|—|–")


@dataclass
class Section:
    name: str  # as the notice prints it, e.g. "国庆节、中秋节"
    day_name: str  # the name its days get: the first one
    first: dt.date
    last: dt.date
    days: int
    workdays: list[dt.date] = field(default_factory=list)


@dataclass
class Notice:
    year: int
    holidays: list[tuple[dt.date, str]]
    workdays: list[tuple[dt.date, str]]
    sections: list[Section]
    warnings: list[str]


def _weekday_word(d: dt.date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def _stated_weekday(note: str | None) -> int | None:
    m = re.search(r"(?:星期|周|礼拜)([一二三四五六日天])", note or "")
    if not m:
        return None
    return WEEKDAYS.index("日" if m[1] == "天" else m[1])


def _year_of(text: str, year: int | None, errors: list[str]) -> int | None:
    found = {int(a or b) for a, b in TITLE_YEAR.findall(text)}
    if year is not None:
        if found and year not in found:
            errors.append(
                _("The notice is for %(found)s, not %(year)s.")
                % {"found": "、".join(str(y) for y in sorted(found)), "year": year}
            )
        return year
    if len(found) == 1:
        return found.pop()
    errors.append(_("Say which year the notice is for."))
    return None


class _Dates:
    """Reads "M月D日" one after another; a missing month or year is the previous one's."""

    def __init__(self, year: int, errors: list[str], label: str):
        self.year, self.month, self.errors, self.label = year, None, errors, label

    def read(self, m: re.Match) -> dt.date | None:
        y, mo, d, note = m[1], m[2], m[3], m[4]
        if y:
            self.year = int(y)
        if mo:
            self.month = int(mo)
        if self.month is None:
            self.errors.append(
                _('%(label)s: "%(text)s" has no month.') % {"label": self.label, "text": m[0]}
            )
            return None
        try:
            day = dt.date(self.year, self.month, int(d))
        except ValueError:
            self.errors.append(
                _("%(label)s: %(month)s月%(day)s日 is not a date.")
                % {"label": self.label, "month": self.month, "day": d}
            )
            return None
        stated = _stated_weekday(note)
        if stated is not None and stated != day.weekday():
            self.errors.append(
                _(
                    "%(label)s: the notice says %(date)s is a %(stated)s, but in %(year)s it is a "
                    "%(actual)s. Is the year right?"
                )
                % {
                    "label": self.label,
                    "date": day.isoformat(),
                    "stated": "星期" + WEEKDAYS[stated],
                    "year": day.year,
                    "actual": _weekday_word(day),
                }
            )
        return day


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。;\n]", body) if s.strip()]


def _section(name: str, body: str, year: int, errors: list[str]) -> Section | None:
    label = name
    day_name = re.split(r"[、和]", name)[0]
    first = last = None
    stated = None
    workdays: list[dt.date] = []
    for sentence in _sentences(body):
        if "放假" in sentence and first is None:
            head = sentence.split("放假", 1)[0]
            dates = _Dates(year, errors, label)
            found = [dates.read(m) for m in DATE.finditer(head)]
            if not found:
                errors.append(
                    _('%(label)s: no date before 放假 in "%(text)s".')
                    % {"label": label, "text": sentence}
                )
                return None
            if None in found:
                return None
            if len(found) > 2 or (len(found) == 2 and not RANGE_WORDS.search(head)):
                errors.append(
                    _('%(label)s: read %(n)s dates in "%(text)s"; expected one day or a range.')
                    % {"label": label, "n": len(found), "text": sentence}
                )
                return None
            first, last = found[0], found[-1]
            if last < first and not DATE.search(head)[1]:
                # "12月31日至1月2日" in the notice for the next year
                first = first.replace(year=first.year - 1)
            if last < first:
                errors.append(
                    _("%(label)s: the holiday ends before it begins (%(text)s).")
                    % {"label": label, "text": sentence}
                )
                return None
            m = STATED_DAYS.search(sentence)
            stated = int(m[1]) if m else None
        elif "上班" in sentence:
            head = sentence.split("上班", 1)[0]
            dates = _Dates(year, errors, label)
            for m in DATE.finditer(head):
                d = dates.read(m)
                if d is None:
                    continue
                if d.weekday() < 5:
                    errors.append(
                        _(
                            "%(label)s: %(date)s (%(weekday)s) is a working day anyway; a make-up "
                            "working day is a Saturday or Sunday."
                        )
                        % {"label": label, "date": d.isoformat(), "weekday": _weekday_word(d)}
                    )
                    continue
                workdays.append(d)
    if first is None:
        errors.append(_("%(label)s: no days off (放假) found.") % {"label": label})
        return None
    days = (last - first).days + 1
    if stated is not None and stated != days:
        errors.append(
            _(
                "%(label)s: the notice says %(stated)s days, but %(first)s to %(last)s are "
                "%(days)s days."
            )
            % {
                "label": label,
                "stated": stated,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "days": days,
            }
        )
        return None
    return Section(
        name=name, day_name=day_name, first=first, last=last, days=days, workdays=workdays
    )


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The holidays and make-up working days of the notice's year; see the module docstring."""
    raw = text or ""
    text = unicodedata.normalize("NFKC", raw).replace("\u3000", " ")
    errors: list[str] = []
    year = _year_of(text, year, errors)
    matches = list(SECTION.finditer(text))
    if not matches:
        errors.append(
            _(
                "No holiday found. Paste the notice's sections as published, e.g. "
                '"元旦:1月1日放假,共1天。"'
            )
        )
    if errors or year is None:
        raise ValidationFailed(errors[0], fields={"text": errors}, code="notice_unreadable")
    sections: list[Section] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        s = _section(re.sub(r"\s+", "", m[1]), text[m.end() : end], year, errors)
        if s is not None:
            sections.append(s)
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    warnings: list[str] = []
    for s in sections:
        for n in range(s.days):
            d = s.first + dt.timedelta(days=n)
            if d in holidays or d in workdays:
                errors.append(_("%(date)s is listed twice.") % {"date": d.isoformat()})
            holidays[d] = s.day_name
        for d in s.workdays:
            if d in holidays or d in workdays:
                errors.append(_("%(date)s is listed twice.") % {"date": d.isoformat()})
            workdays[d] = f"{MAKEUP_DAY}（{s.day_name}）"
    if errors:
        raise ValidationFailed(errors[0], fields={"text": errors}, code="notice_unreadable")
    for d in sorted([*holidays, *workdays]):
        if d.year != year:
            warnings.append(
                _("%(date)s is in %(other)s, not %(year)s: enter it in that year's calendar.")
                % {"date": d.isoformat(), "other": d.year, "year": year}
            )
    return Notice(
        year=year,
        holidays=sorted((d, n) for d, n in holidays.items() if d.year == year),
        workdays=sorted((d, n) for d, n in workdays.items() if d.year == year),
        sections=sections,
        warnings=warnings,
    )
