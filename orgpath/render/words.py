"""The few words charts print themselves, in English and Danish."""

from __future__ import annotations

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "level": "Level", "promotion": "promotion", "lateral": "lateral move (either way)",
        "reports_to": "reports to", "dotted": "dotted line", "path": "the path",
        "ladder": "Career ladder", "reporting": "Reporting lines", "focus": "Around",
        "steps": "steps", "step": "step", "years": "years", "year": "year",
        "to": "to", "unknown_years": "some steps have no typical time",
        "from": "from", "of": "of", "month": "month", "hour": "hour",
        "previous": "previous roles", "next": "next roles", "chain": "reporting chain",
        "desc_roles": "roles", "desc_moves": "moves", "no_years": "typical time not known",
        "vacant": "Vacant", "in_team": "in team", "team_of": "team of", "page": "page",
        "manager": "manager", "not_in_pdf": "not in this PDF", "track_switch": "new track",
    },
    "da": {
        "level": "Niveau", "promotion": "forfremmelse", "lateral": "sidelæns skift (begge veje)",
        "reports_to": "refererer til", "dotted": "stiplet linje", "path": "vejen",
        "ladder": "Karrierestige", "reporting": "Rapporteringslinjer", "focus": "Omkring",
        "steps": "skridt", "step": "skridt", "years": "år", "year": "år",
        "to": "til", "unknown_years": "nogle skridt har ingen typisk tid",
        "from": "fra", "of": "af", "month": "måned", "hour": "time",
        "previous": "tidligere roller", "next": "næste roller", "chain": "rapporteringskæde",
        "desc_roles": "roller", "desc_moves": "skift", "no_years": "typisk tid ukendt",
        "vacant": "Ledig", "in_team": "i teamet", "team_of": "team på", "page": "side",
        "manager": "leder", "not_in_pdf": "ikke i denne PDF", "track_switch": "nyt spor",
    },
}


def words(lang: str) -> dict[str, str]:
    """The words charts print, in ``lang`` (English fallback).

    >>> words("da")["vacant"], words("xx")["vacant"]
    ('Ledig', 'Vacant')
    """
    return _WORDS.get(lang, _WORDS["en"])
