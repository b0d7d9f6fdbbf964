"""Amounts as readers and scripts read them."""

from __future__ import annotations

CURRENCY_SYMBOLS = {"USD": "US$", "AUD": "A$", "EUR": "€", "GBP": "£", "PHP": "₱",
                    "INR": "₹", "JPY": "¥", "CAD": "C$", "NZD": "NZ$", "SGD": "S$"}


def format_money(amount: float, currency: str) -> str:
    """Whole units with thousands separators and the currency's usual symbol."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{amount:,.0f}"


def number(amount: float) -> str:
    """An amount as plain digits for data-* attributes: what a test or a script reads back."""
    return str(int(amount)) if float(amount).is_integer() else repr(float(amount))
