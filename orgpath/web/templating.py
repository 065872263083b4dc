"""Everything templates share, registered by one :func:`init_app`: filters, helpers, safe text.

Text from ladder and people files cannot lie on a page:

* every ``{{ … }}`` output passes :func:`neutralise` (Jinja's ``finalize``), which
  removes bidi control characters (U+202A–U+202E, U+2066–U+2069, U+200E/F,
  U+061C), so a name with a right-to-left override shows in logical order;
* the ``bidi`` filter isolates one piece of user text (``<bdi>``), so a
  right-to-left name cannot reorder the text around it;
* autoescaping stays on: ``&amp;`` in a title shows as ``&amp;``, not ``&``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
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
                                  "signed_money": signed_money})

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {"kind_name": kind_name, "period_name": period_name, "lang": page_lang(),
                "LANGUAGE_NAMES": LANGUAGE_NAMES, "url_with_lang": url_with_lang}


__all__ = ["BIDI_CONTROLS", "bidi", "init_app", "neutralise"]
