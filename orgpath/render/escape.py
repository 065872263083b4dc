"""Text that cannot lie: the one escaper for DOT text and the one URL sanitiser of every chart.

Graphviz reads the same characters differently in different places, so
:func:`dot_text` takes where the text goes:

* ``"html"``: inside an HTML-like label (``label=<...>``); a backslash is
  followed by an invisible word joiner, which stops ``\\N``-style expansion
  there (:func:`unguard_svg` takes the joiner out of SVG again);
* ``"label"``: a quoted label (``label="..."``); a backslash is ``\\\\``;
* ``"attr"``: any other quoted text Graphviz expands (``tooltip``), where a
  backslash needs ``\\\\\\\\``.

In every place ``&``, ``<``, ``>`` and ``"`` become entities, so a user who
types ``&amp;`` sees ``&amp;``, and no text can end a string or start markup.
Control characters are dropped, and so are the bidi controls (U+202A–U+202E,
U+2066–U+2069, U+200E, U+200F, U+061C) with which a name could be shown
reordered; text with right-to-left letters is wrapped in a first-strong
isolate (U+2068 … U+2069) so it cannot reorder what is drawn around it.

>>> clean_text("Eve\u202egnp.exe")
'Evegnp.exe'
>>> dot_text('a "b" & \\\\N', where="label")
'a &quot;b&quot; &amp; \\\\\\\\N'
>>> dot_url("javascript:alert(1)") is None
True
"""

from __future__ import annotations

import html
import re
from typing import Literal
from urllib.parse import quote, urlsplit

__all__ = ["BIDI_CONTROLS", "clean_text", "dot_text", "dot_url", "isolate", "unguard_svg"]

#: The bidi control characters no chart shows (they could reorder what a reader sees).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")
_WJ = "\u2060"  # word joiner: after a backslash it stops Graphviz reading "\N", "\G", ...
_FSI, _PDI = "\u2068", "\u2069"
_BACKSLASH = {"html": "\\" + _WJ, "label": "\\\\", "attr": "\\\\\\\\"}
_URL_SAFE = ":/?#[]@!$&()*+,;=%-._~"
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
# Control (Cc) and surrogate (Cs) characters but tab, CR and LF (whitespace: spaces later),
# and the non-characters U+FFFE and U+FFFF: XML cannot hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Letters of bidi class R or AL: Hebrew, Arabic, Syriac, Thaana, NKo ... and their
# presentation forms, and the right-to-left scripts beyond the BMP.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
                  "\U0001e800-\U0001efff]")

Where = Literal["html", "label", "attr"]


def clean_text(text: object) -> str:
    """``text`` on one line, without control or bidi control characters, RTL text isolated."""
    s = "" if text is None else str(text)
    if not (s.isascii() and s.isprintable()):
        s = _BIDI.sub("", _CONTROL.sub("", s))
        s = isolate(s)
    return " ".join(s.split())


def isolate(text: str) -> str:
    """``text`` in a first-strong isolate when it holds right-to-left letters, else unchanged.

    >>> isolate("Ada") == "Ada", isolate("\u05d0\u05d1") == "\u2068\u05d0\u05d1\u2069"
    (True, True)
    """
    return _FSI + text + _PDI if _RTL.search(text) else text


def dot_text(text: object, *, where: Where = "html") -> str:
    """``text`` escaped for DOT at ``where`` (see the module docstring): shown literally.

    >>> dot_text('"]; evil -> x [label="')
    '&quot;]; evil -&gt; x [label=&quot;'
    >>> dot_text("<script>")
    '&lt;script&gt;'
    """
    return html.escape(clean_text(text), quote=True).replace("\\", _BACKSLASH[where])


def dot_url(url: str | None) -> str | None:
    """A link made safe for a DOT ``URL``, or None for a scheme that is not http(s) or relative.

    Graphviz 2.43 copies ``URL`` into ``xlink:href`` without XML escaping and
    expands ``\\N`` in it, so quotes, angle brackets, spaces, backslashes and
    the like are percent-encoded and ``&`` becomes ``&amp;``.

    >>> dot_url('/orgs/a/people/x"y&z')
    '/orgs/a/people/x%22y&amp;z'
    """
    if not url:
        return None
    url = quote(clean_text(url), safe=_URL_SAFE)
    if not (url.startswith("/") and not url.startswith("//")):  # not a plain path: check
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return None
        if scheme not in ("", "http", "https"):
            return None
    return url.replace("&", "&amp;")


def unguard_svg(svg: bytes) -> bytes:
    """Graphviz's SVG with the word joiners :func:`dot_text` put after backslashes removed."""
    return svg.replace("\\\u2060".encode(), b"\\")
