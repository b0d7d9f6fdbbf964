"""Amounts as readers and scripts read them."""

from __future__ import annotations

import math
from fractions import Fraction

CURRENCY_SYMBOLS = {"USD": "US$", "AUD": "A$", "EUR": "€", "GBP": "£", "PHP": "₱",
                    "INR": "₹", "JPY": "¥", "CAD": "C$", "NZD": "NZ$", "SGD": "S$"}


def format_money(amount: float, currency: str) -> str:
    """Whole units with thousands separators and the currency's usual symbol."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{amount:,.0f}"


def number(amount: float) -> str:
    """An amount as plain digits for data-* attributes: what a test or a script reads back."""
    return str(int(amount)) if float(amount).is_integer() else repr(float(amount))


def percent(part: float, whole: float, places: int = 1) -> str:
    """part / whole in percent, rounded half up as a reader rounds (7/112 is 6.3%, not 6.2%):
    exact fractions, so neither float error nor rounding half to even moves the last digit."""
    exact = Fraction(part) / Fraction(whole) * 100
    scaled = math.floor(exact * 10**places + Fraction(1, 2))
    return f"{scaled / 10**places:.{places}f}"
