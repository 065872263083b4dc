"""The few words charts print themselves, in English and Danish."""

from __future__ import annotations

#: word → (English, Danish); one line each, so a translation sits beside its word.
_TABLE: dict[str, tuple[str, str]] = {
    "level": ("Level", "Niveau"),
    "promotion": ("promotion", "forfremmelse"),
    "lateral": ("lateral move (either way)", "sidelæns skift (begge veje)"),
    "reports_to": ("reports to", "refererer til"),
    "dotted": ("dotted line", "stiplet linje"),
    "path": ("the path", "vejen"),
    "ladder": ("Career ladder", "Karrierestige"),
    "reporting": ("Reporting lines", "Rapporteringslinjer"),
    "focus": ("Around", "Omkring"),
    "steps": ("steps", "skridt"),
    "step": ("step", "skridt"),
    "years": ("years", "år"),
    "year": ("year", "år"),
    "to": ("to", "til"),
    "unknown_years": ("some steps have no typical time", "nogle skridt har ingen typisk tid"),
    "from": ("from", "fra"),
    "of": ("of", "af"),
    "month": ("month", "måned"),
    "hour": ("hour", "time"),
    "previous": ("previous roles", "tidligere roller"),
    "next": ("next roles", "næste roller"),
    "chain": ("reporting chain", "rapporteringskæde"),
    "desc_roles": ("roles", "roller"),
    "desc_moves": ("moves", "skift"),
    "no_years": ("typical time not known", "typisk tid ukendt"),
    "vacant": ("Vacant", "Ledig"),
    "in_team": ("in team", "i teamet"),
    "team_of": ("team of", "team på"),
    "page": ("page", "side"),
    "manager": ("manager", "leder"),
    "not_in_pdf": ("not in this PDF", "ikke i denne PDF"),
    "org_chart": ("org chart", "organisationsdiagram"),
    "chart_desc": ("An org chart of {people} people.",
                   "Et organisationsdiagram med {people} personer."),
    "legend_person": ("person (tint: department)", "person (farve: afdeling)"),
    "legend_vacant": ("vacant position", "ledig stilling"),
    "legend_focus": ("manager of this page", "leder på denne side"),
    "legend_dotted": ("dotted-line manager", "stiplet linje til leder"),
    "legend_headcount": ("people in the team", "personer i teamet"),
    "dotted_hint": ("dotted-line manager (point at or focus a box)",
                    "stiplet linje til leder (peg på eller vælg en boks)"),
    "track_switch": ("new track", "nyt spor"),
}
_WORDS: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in _TABLE.items()} for i, lang in enumerate(("en", "da"))
}


def words(lang: str) -> dict[str, str]:
    """The words charts print, in ``lang`` (English fallback).

    >>> words("da")["vacant"], words("xx")["vacant"]
    ('Ledig', 'Vacant')
    """
    return _WORDS.get(lang, _WORDS["en"])


def count_text(n: int, lang: str) -> str:
    """A count as charts print it, thousands grouped the language's way (``.`` in Danish).

    For headcount badges, chart descriptions and page counts in every writer.

    >>> count_text(20000, "da"), count_text(20000, "en"), count_text(999, "da")
    ('20.000', '20,000', '999')
    """
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "da" else text
