"""Words, numbers and dates by language: language names, long dates, the number and money filters."""

from __future__ import annotations

import copy
import datetime as dt

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, is_currency

from ..store.memos import memo


@memo("inputs", maxsize=256)  # Babel reads its locale data anew for each Locale made
def language_name(code: str, in_lang: str) -> str:
    """'anglais' for ('en', 'fr'): a language's name as written in another."""
    try:
        return Locale.parse(in_lang).languages.get(code, code)
    except (ValueError, LookupError):
        return code


def long_date(date: dt.date | None, lang: str) -> str:
    return format_date(date, format="long", locale=lang) if date else ""


def language_filters(lang: str) -> dict:
    """Jinja filters that write numbers, money and dates as `lang` does (Babel's CLDR data)."""

    def number(value, decimals: int | None = None) -> str:
        return _format(Locale.parse(lang).decimal_formats[None], value, decimals, "number", lang)

    def percent(value, decimals: int = 0) -> str:
        return _format(Locale.parse(lang).percent_formats[None], value, decimals, "percent", lang)

    def currency(value, code: str) -> str:
        if not isinstance(code, str) or not is_currency(code.upper()):
            raise jinja2.TemplateRuntimeError(
                f"currency: {code!r} is not a currency code; write one like 'USD' or 'EUR'")
        return format_currency(_number(value, "currency"), code.upper(), locale=lang)

    def date(value, format: str = "long") -> str:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise jinja2.TemplateRuntimeError(
                    f"date: {value!r} is not a date; write it as YYYY-MM-DD") from None
        if not isinstance(value, dt.date):
            raise jinja2.TemplateRuntimeError(f"date: {value!r} is not a date")
        if format not in ("short", "medium", "long", "full"):
            raise jinja2.TemplateRuntimeError(
                f"date: {format!r} is not one of short, medium, long, full")
        return format_date(value, format=format, locale=lang)

    return {"number": number, "percent": percent, "currency": currency, "date": date}


def _format(pattern: NumberPattern, value, decimals: int | None, name: str, lang: str) -> str:
    """`value` in the language's pattern, with exactly `decimals` decimals when given."""
    if decimals is not None:
        if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
            raise jinja2.TemplateRuntimeError(f"{name}: {decimals!r} decimals: give a whole "
                                              "number, e.g. 2")
        pattern = copy.copy(pattern)
        pattern.frac_prec = (decimals, decimals)
    return pattern.apply(_number(value, name), Locale.parse(lang))


def _number(value, name: str) -> float | int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise jinja2.TemplateRuntimeError(f"{name}: {value!r} is not a number") from None
