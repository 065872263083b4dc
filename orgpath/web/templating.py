"""Everything templates share, registered by one :func:`init_app`: filters, helpers, safe text.

Text from ladder and people files cannot lie on a page:

* every ``{{ … }}`` output passes :func:`neutralise` (Jinja's ``finalize``), which
  removes bidi control characters (U+202A–U+202E, U+2066–U+2069, U+200E/F,
  U+061C), so a name with a right-to-left override shows in logical order;
* the ``bidi`` filter isolates one piece of user text (``<bdi>``), so a
  right-to-left name cannot reorder the text around it;
* autoescaping stays on: ``&amp;`` in a title shows as ``&amp;``, not ``&``.

Numbers are written in the page's language: the ``count`` filter, and every
``%(num)d`` (or other ``%(name)d``) of a translated message, group thousands
with ``,`` in English and ``.`` in Danish ("20.000 personer").
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import format_decimal, get_translations
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from orgpath.web.i18n import LANGUAGE_NAMES, page_lang, url_with_lang

#: Bidi embeddings, overrides, isolates and marks: never shown from user text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def neutralise(value: Any) -> Any:
    """``value`` without bidi control characters (Markup stays Markup; non-text as is)."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        cleaned = BIDI_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def bidi(value: Any) -> Markup:
    """User text isolated in ``<bdi>`` (escaped, bidi controls removed)."""
    if value is None:
        return Markup("")
    return Markup("<bdi>%s</bdi>") % neutralise(str(value) if not isinstance(value, str)
                                                  else value)


def years(value: Any) -> str:
    """Years as the page's language writes them (``2.5``, ``2,5``); ``?`` when unknown."""
    if value is None:
        return "?"
    text = f"{value:g}"
    return text.replace(".", ",") if page_lang() == "da" else text


def count(value: Any) -> str:
    """A whole number with the page language's thousands separator (``20,000``, ``20.000``)."""
    if value is None:
        return ""
    return format_decimal(int(value), format="#,##0")


#: ``%(name)d`` in a message: a count, printed with the language's thousands separator.
_COUNT_PLACEHOLDER = re.compile(r"%\((\w+)\)d")


def _with_counts(text: str, variables: dict[str, Any]) -> str:
    """``text`` with each ``%(name)d`` whose value is a whole number made ``%(name)s``,
    and that value (in ``variables``) written by :func:`count`."""
    def fix(m: re.Match) -> str:
        name = m.group(1)
        value = variables.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            variables[name] = count(value)
            return f"%({name})s"
        return m.group(0)

    return _COUNT_PLACEHOLDER.sub(fix, text)


@pass_context
def _gettext(context: Any, message: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext``/``_``, with counts in the language's separators."""
    text = _with_counts(context.call(_babel_gettext, message), variables)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
    """Jinja's new-style ``ngettext``: ``%(num)d`` is ``num`` written by :func:`count`."""
    variables.setdefault("num", num)
    text = _with_counts(context.call(_babel_ngettext, singular, plural, num), variables)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def _babel_gettext(message: str) -> str:
    return get_translations().ugettext(message)


def _babel_ngettext(singular: str, plural: str, num: int) -> str:
    return get_translations().ungettext(singular, plural, num)


def money(value: Any) -> str:
    """A whole amount with the page locale's grouping."""
    if value is None:
        return ""
    return format_decimal(round(value), format="#,##0")


def signed_money(value: Any) -> str:
    """An amount with its sign (``+``, ``−``, ``±``)."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + money(abs(value))


def kind_name(kind: str) -> str:
    """A move kind in the page's language."""
    return {"promotion": _("promotion"), "lateral": _("lateral move"),
            "reports_to": _("reports to"), "dotted": _("dotted line")}.get(kind, kind)


def period_name(period: str) -> str:
    """A salary period in the page's language."""
    return {"year": _("per year"), "month": _("per month"),
            "hour": _("per hour")}.get(period, period)


def init_app(app: Flask) -> None:
    """Register the filters, the context helpers and the output guard on ``app``."""
    app.jinja_env.finalize = neutralise
    app.jinja_env.filters.update({"bidi": bidi, "years": years, "money": money,
                                  "signed_money": signed_money, "count": count})
    # Flask-Babel's gettext callables, but every %(n)d count in the page language's digits
    app.jinja_env.globals.update({"gettext": _gettext, "_": _gettext, "ngettext": _ngettext})

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {"kind_name": kind_name, "period_name": period_name, "lang": page_lang(),
                "LANGUAGE_NAMES": LANGUAGE_NAMES, "url_with_lang": url_with_lang}


__all__ = ["BIDI_CONTROLS", "bidi", "count", "init_app", "neutralise"]
