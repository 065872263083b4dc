"""Errors shared across orgpath: "not found, with suggestions".

:class:`NotFoundError` is the base of every lookup that can fail with close
matches to offer (a role, a ladder or org, a person). The web maps any of them
to one 404 problem (``orgpath.web.errors``) and the CLI to one line, so a new
kind of thing to look up only has to subclass it.
"""

from __future__ import annotations


class NotFoundError(LookupError):
    """No ``what`` called ``ident``; ``suggestions`` are the closest ids or names.

    ``graph`` is the (audience's) graph the suggestions come from, when there is
    one: the web names them by it (a person's name and title, a role's title in
    the page's language) instead of showing bare ids.
    """

    graph = None

    def __init__(self, what: str, ident: str, suggestions: list[str] | None = None,
                 message: str | None = None):
        self.what = what
        self.ident = ident
        self.suggestions = list(suggestions or [])
        if message is None:
            hint = (f" (did you mean {', '.join(self.suggestions)}?)"
                    if self.suggestions else "")
            message = f"no {what} {ident!r}{hint}"
        super().__init__(message)


__all__ = ["NotFoundError"]
