"""Pure checks of what a customer tells us: a real name, a reachable phone, a clear address.

DOMAIN.md §2: an order or request with incomplete customer data is not accepted — a real name
(no placeholder like 某先生 / 某女士), a reachable phone number, a clear address. No ORM here:
these functions are tested without a database and used by services, API and forms alike.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from shouhou.core.phones import normalise_phone

# --- names ------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Compound surnames (复姓).
COMPOUND_SURNAMES = _words(
    """欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 独孤
    南宫 西门 百里 呼延 澹台 公冶 太史 申屠 闻人 万俟 赫连 濮阳 淳于 单于 仲孙 鲜于 司空 亓官
    司寇 子车 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 段干 东郭 南门 羊舌 微生 梁丘 左丘
    东门 第五 公西 巫马 公羊 梁丘 呼衍"""
)

# Characters that stand in for a name rather than being one (某, ×, *, ?, ○ ...).
_PLACEHOLDER_CHARS = set("某×✕✖*＊?？○〇□")

# Words that are not a name on their own.
_GENERIC_WORDS = _words(
    """先生 女士 小姐 客户 顾客 业主 无 未知 不详 测试 匿名 用户 本人 待定 暂无 没有 空 客人 姓名
    名字 师傅 老板 阿姨 太太 夫人 老师 经理 总 家属 户主 联系人 收货人 买家 卖家 房东 租户 老人
    某 某某 某某某 先生女士 男 女 无名 不知道 不清楚 保密 test tester testing demo none null nil na
    n/a unknown anonymous customer client user name mr mrs ms miss sir madam xxx"""
)

# Honorifics that follow a surname (李先生, 王女士, 刘阿姨, 陈师傅, 赵总). Longest first.
_HONORIFIC_SUFFIXES_LONG = (
    "工程师",
    "先生",
    "女士",
    "小姐",
    "阿姨",
    "师傅",
    "老师",
    "经理",
    "老板",
    "大哥",
    "大姐",
    "哥哥",
    "姐姐",
    "叔叔",
    "太太",
    "夫人",
    "医生",
    "大夫",
    "同学",
    "奶奶",
    "爷爷",
    "大爷",
    "大妈",
    "大娘",
    "总监",
    "主任",
    "校长",
    "律师",
    "会计",
)
# One-character honorifics count only right after a bare surname (赵总, 王姐, 李工).
_HONORIFIC_SUFFIXES_SHORT = ("总", "姐", "哥", "叔", "姨", "工", "嫂", "伯", "婶")
# Familiar prefixes before a bare surname (老王, 小李, 阿陈).
_HONORIFIC_PREFIXES = ("老", "小", "阿")

# Latin honorifics before a name (Mr Smith).
_LATIN_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam", "mme", "mlle"}
)

_MIDDLE_DOTS = "·•・‧∙⋅•．"  # all written as U+00B7 "·"
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_NAME_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LATIN_NAME_RE = re.compile(r"^[^\W\d_]+(?:(?:\. ?|[ '\-])[^\W\d_]+)*\.?$")
_X_ONLY_RE = re.compile(r"^[xX×✕]+$")


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def _surname_of(text: str) -> str | None:
    """`text` itself when it is a bare surname (one Chinese character or a compound surname)."""
    if text in COMPOUND_SURNAMES:
        return text
    if len(text) == 1 and _is_cjk(text) and text not in _PLACEHOLDER_CHARS:
        return text
    return None


def _refuse_placeholder():
    raise ValueError(
        _(
            "This is a placeholder, not a name (某先生, XX, 客户 …). "
            "Ask for the customer's real name."
        )
    )


def _split_honorific(name: str) -> tuple[str, str] | None:
    """(surname, honorific) when `name` is a bare surname with an honorific, else None."""
    for suffix in (*_HONORIFIC_SUFFIXES_LONG, *_HONORIFIC_SUFFIXES_SHORT):
        if name.endswith(suffix) and len(name) > len(suffix):
            rest = name[: -len(suffix)]
            if _surname_of(rest):
                return rest, suffix
    for prefix in _HONORIFIC_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            if _surname_of(rest) and rest not in _PLACEHOLDER_CHARS:
                return rest, prefix
    return None


def _clean_text(raw) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    # NFKC turns full-width letters and digits into ASCII; middle dots are unified below.
    text = " ".join(text.split())
    return text


def validate_person_name(name, *, allow_honorific: bool) -> tuple[str, bool]:
    """Return (clean name, is_full_name) or raise ValueError with a message for the user.

    A surname with an honorific (李先生, 欧阳女士, 老王) is accepted only with `allow_honorific`
    (a hotline call), and then `is_full_name` is False. A full name followed by an honorific
    (李明先生) is cleaned to the full name.
    """
    text = _clean_text(name)
    if not text:
        raise ValueError(_("A name is required."))
    for dot in _MIDDLE_DOTS:
        text = text.replace(dot, "·")
    if any(ch.isdigit() for ch in text):
        raise ValueError(_("A name cannot contain digits."))
    if any(ch in _PLACEHOLDER_CHARS for ch in text):
        _refuse_placeholder()
    if not any(ch.isalpha() for ch in text):
        raise ValueError(_("A name needs letters or Chinese characters, not only punctuation."))
    lowered = text.lower().strip(" .")
    if lowered in _GENERIC_WORDS:
        _refuse_placeholder()
    if "测试" in text or re.search(r"\btest(?:er|ing|user)?\b", lowered):
        _refuse_placeholder()

    has_cjk = any(_is_cjk(ch) for ch in text)
    if has_cjk:
        return _validate_chinese_name(text, allow_honorific=allow_honorific)
    return _validate_latin_name(text, allow_honorific=allow_honorific)


def _validate_chinese_name(text: str, *, allow_honorific: bool) -> tuple[str, bool]:
    # Spaces inside a Chinese name are typing noise: 王 小明 → 王小明. A dot between Chinese
    # parts is the separator of minority and foreign names: 阿依古丽.买买提 → 阿依古丽·买买提.
    compact = text.replace(" ", "")
    compact = re.sub(r"(?<=[\u3400-\u9fff])\.(?=[\u3400-\u9fff])", "·", compact)
    stripped_x = compact.rstrip("xX×✕")
    if stripped_x != compact and (not stripped_x or _surname_of(stripped_x)):
        _refuse_placeholder()  # 王X, 李XX
    if "·" in compact:
        parts = compact.split("·")
        if not (2 <= len(parts) <= 4) or not all(_CJK_NAME_RE.match(p) for p in parts):
            raise ValueError(
                _("Write a name with a dot as Chinese parts joined by ·, e.g. 阿依古丽·买买提.")
            )
        if len(compact) > 30:
            raise ValueError(_("This name is too long."))
        return compact, True
    if not _CJK_NAME_RE.match(compact):
        raise ValueError(
            _("Write the name in Chinese characters or in Latin letters, without other signs.")
        )
    if len(compact) == 1:
        raise ValueError(
            _("One character is not a name. Give the full name (or the surname with 先生/女士).")
        )
    if compact in _GENERIC_WORDS:
        _refuse_placeholder()
    if compact in COMPOUND_SURNAMES:
        raise ValueError(_("Only a surname: give the full name (or the surname with 先生/女士)."))
    split = _split_honorific(compact)
    if split is None:
        # 李明先生 → 李明: a full name with an honorific after it.
        for suffix in _HONORIFIC_SUFFIXES_LONG:
            rest = compact[: -len(suffix)]
            if compact.endswith(suffix) and len(rest) >= 2:
                if rest in _GENERIC_WORDS:
                    _refuse_placeholder()
                if 2 <= len(rest) <= 5 and not _split_honorific(rest):
                    return rest, True
    if split is not None:
        if not allow_honorific:
            raise ValueError(
                _(
                    "A surname with an honorific (%(name)s) is not enough here: "
                    "give the customer's full name."
                )
                % {"name": compact}
            )
        return compact, False
    if len(compact) > 5:
        raise ValueError(_("A Chinese name has 2 to 5 characters; write minority names with ·."))
    return compact, True


def _validate_latin_name(text: str, *, allow_honorific: bool) -> tuple[str, bool]:
    words = text.split(" ")
    first = words[0].lower().rstrip(".")
    if first in _LATIN_HONORIFICS:
        rest = " ".join(words[1:])
        if not rest:
            _refuse_placeholder()
        clean_rest, _full = _validate_latin_name(rest, allow_honorific=False)
        if _X_ONLY_RE.match(clean_rest):
            _refuse_placeholder()
        if not allow_honorific:
            raise ValueError(
                _(
                    "A surname with an honorific (%(name)s) is not enough here: "
                    "give the customer's full name."
                )
                % {"name": text}
            )
        return text, False
    if all(_X_ONLY_RE.match(w.strip(".")) for w in words if w.strip(".")):
        _refuse_placeholder()
    if not _LATIN_NAME_RE.match(text):
        raise ValueError(
            _("Write the name in Chinese characters or in Latin letters, without other signs.")
        )
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 2:
        raise ValueError(
            _("One character is not a name. Give the full name (or the surname with 先生/女士).")
        )
    if len(text) > 50:
        raise ValueError(_("This name is too long."))
    return text, True


# --- addresses --------------------------------------------------------------------------------

# Words that show an address reaches street level: a road, street, lane, village, community,
# estate or building, or a house/flat number.
_STREET_WORDS = (
    "路",
    "街",
    "道",
    "巷",
    "胡同",
    "弄",
    "村",
    "组",
    "屯",
    "庄",
    "寨",
    "社区",
    "小区",
    "苑",
    "园",
    "府",
    "邸",
    "城",
    "广场",
    "大厦",
    "楼",
    "栋",
    "幢",
    "座",
    "单元",
    "室",
    "号",
    "院",
    "公寓",
    "新村",
    "镇",
    "乡",
    "湾",
    "墅",
    "公馆",
    "中心",
    "期",
    "坊",
    "寓",
    "市场",
    "商城",
    "宿舍",
    "厂",
    "校区",
    "里弄",
)
# Phrases that mean "no address given".
_ADDRESS_PLACEHOLDERS = (
    "同上",
    "同前",
    "如上",
    "见上",
    "不详",
    "未知",
    "不知道",
    "不清楚",
    "待定",
    "暂无",
    "没有",
    "保密",
    "家里",
    "测试",
    "某某",
    "xx",
    "××",
    "test",
)
_DISTRICT_PLACEHOLDERS = frozenset(
    {"无", "不详", "未知", "同上", "待定", "暂无", "没有", "区", "县", "市", "xx", "test", "测试"}
)
MIN_ADDRESS_DETAIL = 4


class AddressInvalid(ValueError):
    """An address problem; `errors` maps "district" / "detail" to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


def validate_address(district, detail) -> tuple[str, str]:
    """Return (district, detail) cleaned, or raise AddressInvalid naming the bad part(s)."""
    district = _clean_text(district)
    detail = _clean_text(detail)
    errors: dict[str, str] = {}
    if not district:
        errors["district"] = _("The district (区/县) is required.")
    elif (
        len(district) < 2
        or district.lower() in _DISTRICT_PLACEHOLDERS
        or not any(ch.isalpha() for ch in district)
        or any(ch.isdigit() for ch in district)
    ):
        errors["district"] = _("Give a real district or county, e.g. 金水区, 中牟县.")
    elif len(district) > 30:
        errors["district"] = _("At most 30 characters.")

    lowered = detail.lower()
    if not detail:
        errors["detail"] = _("The street address is required.")
    elif any(p in lowered for p in _ADDRESS_PLACEHOLDERS) or len(detail) < MIN_ADDRESS_DETAIL:
        errors["detail"] = _(
            "Give the street address down to the building: road or village, "
            "number, building and flat (e.g. 花园路88号3号楼2单元501)."
        )
    elif not (any(w in detail for w in _STREET_WORDS) or any(ch.isdigit() for ch in detail)):
        errors["detail"] = _(
            "The address needs a road, street, village, community or building, or a house number."
        )
    elif len(detail) > 200:
        errors["detail"] = _("At most 200 characters.")
    if errors:
        raise AddressInvalid(errors)
    return district, detail


# --- phones and other fields --------------------------------------------------------------------


def validate_mobile(raw) -> str:
    """An 11-digit mainland mobile number, or ValueError."""
    return normalise_phone(str(raw or ""), mobile_only=True)


def validate_other_phone(raw) -> str:
    """A mobile or a landline (with its area code), or ValueError."""
    return normalise_phone(str(raw or ""), mobile_only=False)


def validate_birthday(value, *, today: dt.date) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    if value > today:
        raise ValueError(_("A birthday cannot be in the future."))
    if value.year < 1900:
        raise ValueError(_("A birthday before 1900 is not believable."))
    return value


def split_phone_list(raw) -> list[str]:
    """Other phones typed in one box: separated by commas, semicolons, spaces or new lines."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        items = [str(x) for x in raw]
    else:
        items = re.split(r"[,，;；、/\n]+", str(raw))
    return [i.strip() for i in items if i and i.strip()]


def validate_customer_fields(
    *,
    name=None,
    mobile=None,
    district=None,
    address_detail=None,
    other_phones=None,
    birthday=None,
    member_no=None,
    allow_honorific: bool = False,
    today: dt.date,
    check: tuple[str, ...] | None = None,
) -> tuple[dict, dict[str, list[str]]]:
    """Check the customer fields in `check` (default: all given) and return (clean, errors).

    `errors` maps field names (name, mobile, district, address_detail, other_phones, birthday,
    member_no) to messages; every problem is reported at once.
    """
    given = {
        "name": name,
        "mobile": mobile,
        "district": district,
        "address_detail": address_detail,
        "other_phones": other_phones,
        "birthday": birthday,
        "member_no": member_no,
    }
    fields = check if check is not None else tuple(k for k, v in given.items() if v is not None)
    clean: dict = {}
    errors: dict[str, list[str]] = {}
    if "name" in fields:
        try:
            clean["name"], clean["name_is_full"] = validate_person_name(
                name, allow_honorific=allow_honorific
            )
        except ValueError as exc:
            errors["name"] = [str(exc)]
    if "mobile" in fields:
        try:
            clean["mobile"] = validate_mobile(mobile)
        except ValueError as exc:
            errors["mobile"] = [str(exc)]
    if "district" in fields or "address_detail" in fields:
        try:
            clean["district"], clean["address_detail"] = validate_address(district, address_detail)
        except AddressInvalid as exc:
            if "district" in exc.errors:
                errors["district"] = [exc.errors["district"]]
            if "detail" in exc.errors:
                errors["address_detail"] = [exc.errors["detail"]]
    if "other_phones" in fields:
        numbers: list[str] = []
        for raw in split_phone_list(other_phones):
            try:
                number = validate_other_phone(raw)
            except ValueError as exc:
                errors.setdefault("other_phones", []).append(f"{raw}: {exc}")
                continue
            if number != clean.get("mobile") and number not in numbers:
                numbers.append(number)
        clean["other_phones"] = numbers
    if "birthday" in fields:
        try:
            clean["birthday"] = validate_birthday(birthday, today=today)
        except ValueError as exc:
            errors["birthday"] = [str(exc)]
    if "member_no" in fields:
        clean["member_no"] = _clean_text(member_no)
        if len(clean["member_no"]) > 30:
            errors["member_no"] = [_("At most 30 characters.")]
    return clean, errors
