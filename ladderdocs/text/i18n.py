"""The theme's words in the reader's language: gettext catalogues, read with Babel.

Every string the theme shows is English in the source, marked for translation (`_()` in
templates, `t()` in the theme's scripts, `N_()` in Python where a label is made before it is
shown), and looked up in `ladderdocs/locale/<language>/LC_MESSAGES/ladderdocs.po`. A handbook's
`strings:` in handbook.yml replaces any of them, in any language. Dates are written as the
language writes them.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "ladderdocs"
SCRIPT_MESSAGES = "static/messages.js"  # the theme scripts' words, for `window.LADDERDOCS_MESSAGES`
SCRIPT_GLOBAL = "LADDERDOCS_MESSAGES"
# `_("...")` and `ngettext("...", "...", n)` in a theme script, with double-quoted literals
# (the catalogue test checks this finds what Babel's JavaScript extractor finds)
_JS_STRING = r'"((?:[^"\\\n]|\\.)*)"'
_SCRIPT_CALL = re.compile(rf'(?<![\w$.])(?:_\(\s*{_JS_STRING}|ngettext\(\s*{_JS_STRING}\s*,\s*{_JS_STRING})')


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is made; it is translated where it is shown."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a form per count, for the catalogue; see `Phrase`."""
    return singular, plural


Param = str | int | Decimal | dt.date | tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """A sentence made in Python and written out later, in the language of whoever reads it:
    the English message (%(name)s placeholders), its values, and for a count its plural form.
    A tuple value is a list of names, joined as the language joins lists ("A, B and C"); a
    Decimal is written with the language's decimal sign, a date as the language writes dates."""

    message: str | tuple[str, str]  # N_("...") or Nn_("one ...", "%(num)s ...")
    params: tuple[tuple[str, Param], ...] = ()
    count: int | None = None        # picks the plural form; it is also %(num)s

    @classmethod
    def of(cls, message: str | tuple[str, str], count: int | None = None, **params: Param) -> Phrase:
        return cls(message, tuple(params.items()), count)

    @property
    def english(self) -> str:
        """As `ladderdocs check` says it: English, dates as the YAML writes them."""
        return ENGLISH.phrase(self)


def catalogue_languages() -> list[str]:
    """The languages the theme speaks besides English."""
    return sorted(p.name for p in LOCALE_DIR.glob("*") if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


@lru_cache(maxsize=None)
def _catalogue(language: str) -> gettext.NullTranslations:
    """The catalogue for 'de-CH', else 'de', else none (English): the .po file, compiled in memory,
    so the gettext module applies the catalogue's own plural rule."""
    tag = language.replace("-", "_")
    for name in (tag, tag.split("_")[0]):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            from babel.messages.mofile import write_mo  # here: an English site reads no catalogue
            from babel.messages.pofile import read_po
            with path.open("rb") as file:
                compiled = BytesIO()
                write_mo(compiled, read_po(file, locale=name))
            compiled.seek(0)
            return gettext.GNUTranslations(compiled)
    return gettext.NullTranslations()


@dataclass(frozen=True)
class Messages:
    """Translations for one build: its language's catalogue and the handbook's own strings."""

    language: str
    overrides: dict[str, str] = field(default_factory=dict)
    iso_dates: bool = False  # dates as YAML writes them: for messages to authors

    def gettext(self, message: str, **params: Any) -> str:
        text = self.text(message)
        return text % params if params else text

    def text(self, message: str) -> str:
        """`message` in this language, its %(name)s placeholders left for the caller (Jinja) to fill."""
        return self.overrides.get(message) or _catalogue(self.language).gettext(message)

    def plural(self, singular: str, plural: str, n: int) -> str:
        """The form for `n` as the language's plural rule picks it, its placeholders left to fill."""
        catalogue = _catalogue(self.language)
        rule = getattr(catalogue, "plural", None)
        english = singular if (rule(n) if rule else n != 1) == 0 else plural
        return self.overrides.get(english) or catalogue.ngettext(singular, plural, n)

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """The form for `n` (`%(num)s` in it is n)."""
        return self.plural(singular, plural, n) % {"num": n, **params}

    def forms(self, singular: str, plural: str) -> list[str]:
        """The forms for one and for many: what the theme scripts choose from (by n == 1)."""
        return [self.plural(singular, plural, 1), self.plural(singular, plural, 2)]

    def phrase(self, phrase: Phrase) -> str:
        values = {name: self._value(value) for name, value in phrase.params}
        if isinstance(phrase.message, tuple):
            singular, plural = phrase.message
            return self.plural(singular, plural, phrase.count or 0) % {"num": phrase.count or 0, **values}
        return self.gettext(phrase.message, **values)

    def _value(self, value: Param) -> str | int:
        locale = _babel_locale(self.language)
        if isinstance(value, tuple):
            return format_list(list(value), locale=locale)
        if isinstance(value, Decimal):  # as many places as it has: 12.0 stays 12.0 (12,0 in German)
            places = max(0, -int(value.as_tuple().exponent))
            return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=locale)
        if isinstance(value, dt.date):
            return self.date(value)
        return value

    def decimal(self, value: float) -> str:
        """A number as the language writes it: 2.5 (en), 2,5 (de); as many places as it has."""
        return format_decimal(value, locale=_babel_locale(self.language))

    def date(self, value: dt.date) -> str:
        """A date as the language writes it: '1 July 2026' (en-GB), '1. Juli 2026' (de)."""
        if self.iso_dates:
            return value.isoformat()
        return format_date(value, format="long", locale=_babel_locale(self.language))



@lru_cache(maxsize=None)
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


ENGLISH = Messages("en", iso_dates=True)  # what `ladderdocs check` says


def script_messages(script: str) -> list[str | tuple[str, str]]:
    """The messages a theme script marks, in order, each once."""
    found: dict[str | tuple[str, str], None] = {}
    for single, one, many in _SCRIPT_CALL.findall(script):
        found[json.loads(f'"{single}"') if single else (json.loads(f'"{one}"'), json.loads(f'"{many}"'))] = None
    return list(found)


def messages_script(scripts: list[str], messages: Messages) -> bytes:
    """static/messages.js: the scripts' messages that this language (or the handbook) words
    differently; the scripts show their own English otherwise. Plural forms are [one, many]:
    the scripts pick by n == 1, the rule of English and German."""
    table: dict[str, str | list[str]] = {}
    for message in dict.fromkeys(m for script in scripts for m in script_messages(script)):
        if isinstance(message, tuple):
            forms = messages.forms(*message)
            if forms != list(message):
                table[message[0]] = forms
        elif messages.text(message) != message:
            table[message] = messages.text(message)
    return f"window.{SCRIPT_GLOBAL}={json.dumps(table, ensure_ascii=False, sort_keys=True)};\n".encode()
