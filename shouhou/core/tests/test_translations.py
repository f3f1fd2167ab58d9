"""zh-hans is the default language: every string an app marks is in its catalogue, every
catalogue is complete and its .mo is up to date."""

import ast
import gettext
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

APPS_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS_DIR.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def _entries(po: Path):
    """(context, msgid, msgstr, fuzzy) for each entry of a .po file (enough of the format)."""
    entries, ctx, msgid, msgstr, field, fuzzy = [], None, None, None, None, False
    for raw in po.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            ctx, field = ast.literal_eval(line[8:]), "ctx"
        elif line.startswith("msgid "):
            msgid, msgstr, field = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
            msgstr, field = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and field:
            if field == "ctx":
                ctx += ast.literal_eval(line)
            elif field == "id":
                msgid += ast.literal_eval(line)
            else:
                msgstr += ast.literal_eval(line)
        elif not line and msgstr is not None:
            if msgid:
                entries.append((ctx, msgid, msgstr, fuzzy))
            ctx, msgid, msgstr, field, fuzzy = None, None, None, None, False
        elif line.startswith("msgid_plural") or line.startswith("msgstr["):
            field = None
    return entries


def test_every_app_with_strings_has_a_chinese_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {
        "core",
        "org",
        "customers",
        "catalog",
        "sales",
        "workdays",
        "staff",
        "workorders",
    }


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_catalogue_is_fully_translated_and_compiled(po):
    entries = _entries(po)
    assert [m for _c, m, s, f in entries if not s or f] == []
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        m for c, m, s, _f in entries if (compiled.pgettext(c, m) if c else compiled.gettext(m)) != s
    ]
    assert stale == [], "the .mo is older than the .po: run compilemessages"


def _extracted_msgids(app_dir: Path, tmp: Path) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs `makemessages` finds in an app's code and templates, read
    from a copy so the app's own catalogue is not rewritten."""
    copy = tmp / app_dir.name
    shutil.copytree(
        app_dir,
        copy,
        ignore=shutil.ignore_patterns("tests", "migrations", "locale", "static", "__pycache__"),
    )
    (copy / "locale").mkdir()
    cwd = Path.cwd()
    try:
        os.chdir(copy)
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return {(c, m) for c, m, _s, _f in _entries(po)} if po.exists() else set()


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_string_the_app_marks_for_translation_is_in_its_catalogue(po, tmp_path):
    """A `{% translate %}` or `_()` added without its Chinese fails here, not in front of a
    user reading English in a Chinese page."""
    app_dir = po.parents[3]
    known = {(c, m) for c, m, _s, _f in _entries(po)}
    missing = sorted(m for c, m in _extracted_msgids(app_dir, tmp_path) - known)
    assert missing == [], f"{app_dir.name}: run makemessages and translate: {missing}"
