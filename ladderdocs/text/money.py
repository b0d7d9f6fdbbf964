"""Amounts as readers and scripts read them: money in the zone's own locale (Babel, CLDR data),
plain digits for scripts, and percentages rounded as a reader rounds."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

# CLDR puts a space between a currency written in letters and a digit (NPR 42,00,000); Babel
# does not apply that rule, so it is applied here.
_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def parse_locale(name: str) -> Locale:
    """'en-IN', 'en_IN' or 'de' as a Babel locale; UnknownLocaleError or ValueError when CLDR has none."""
    return Locale.parse(name.replace("-", "_"))


@lru_cache(maxsize=None)
def _whole_units(locale_name: str) -> tuple[Locale, NumberPattern]:
    """The locale's currency pattern with no fraction digits: bands are whole units."""
    locale = parse_locale(locale_name)
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    return locale, pattern


@lru_cache(maxsize=8192, typed=True)  # a band's amounts are shown on many pages: Babel formats each once
def format_money(amount: float, currency: str, locale: str = "en") -> str:
    """An amount in whole units as `locale` writes money in `currency`: ₹42,00,000 in en_IN,
    4.200.000 € in de, $150,000 in en (the US), A$210,000 in en and $210,000 in en_AU."""
    parsed, pattern = _whole_units(locale)
    text = pattern.apply(amount, parsed, currency=currency, currency_digits=False)
    return _LETTER_THEN_DIGIT.sub("\u00a0", text)


def number(amount: float) -> str:
    """An amount as plain digits for data-* attributes: what a test or a script reads back."""
    return str(int(amount)) if float(amount).is_integer() else repr(float(amount))


def percent(part: float, whole: float, places: int = 1) -> Decimal:
    """part / whole in percent, rounded half up as a reader rounds (7/112 is 6.3%, not 6.2%):
    exact fractions, so neither float error nor rounding half to even moves the last digit."""
    exact = Fraction(part) / Fraction(whole) * 100
    scaled = math.floor(exact * 10**places + Fraction(1, 2))
    return Decimal(scaled).scaleb(-places)
