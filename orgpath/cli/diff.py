"""``orgpath diff OLD NEW`` and ``orgpath diff --since REV``: what changed in a ladder or an org.

Each side is a path, or ``REV:path`` read from the git repository (the path
from the repository's root, as git spells it; ``REV:./path`` is relative to
the current folder). Nothing is checked out. Exit codes: 0, 1 for an error, 3
when ``--fail-on`` matched a change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import networkx as nx

from orgpath import gitrepo, settings
from orgpath.cli.errors import CleanCommand
from orgpath.cli.output import emit_json, table
from orgpath.diff import CATEGORIES, Diff, as_markdown, as_rows, expand_fail_on
from orgpath.history import diff_blobs, kind_of, manifest_name, parse_side

FAIL_EXIT = 3


def _repo(*hints: Path) -> gitrepo.Repo:
    for hint in (Path.cwd(), *hints):
        repo = gitrepo.discover(hint)
        if repo is not None:
            return repo
    raise gitrepo.NoRepository("not inside a git repository (REV:path and --since need git)")


def _limit(kind: str) -> int:
    return settings.get("max_people_bytes" if kind == "org" else "max_ladder_bytes")


def _read_side(spec: str, hints: list[Path]) -> tuple[str, str, bytes, Path | None]:
    """``(label, repository-or-disk path, bytes, folder on disk)`` of one side."""
    rev, path = parse_side(spec)
    kind = kind_of(os.path.basename(path))
    if kind is None:
        raise ValueError(f"{path}: not a ladder (.yaml, .yml, .json) or people file "
                         "(.csv, .people.json)")
    if rev is None:
        p = Path(path)
        size = p.stat().st_size
        if size > _limit(kind):
            raise ValueError(f"{path}: {size:,} bytes; the limit is {_limit(kind):,}")
        return path, path, p.read_bytes(), p.resolve().parent
    repo = _repo(*hints)
    if path.startswith("./") or path.startswith("../"):
        path = repo.relpath(path)
    _, data = repo.file_at(rev, path, _limit(kind))
    on_disk = repo.root / path
    return spec, path, data, on_disk.parent if on_disk.parent.is_dir() else None


def _ladder_graph(ctx: click.Context, folder: Path | None, name: str) -> nx.MultiDiGraph | None:
    """The ladder an org's roles come from: the manifest beside the file, from its folder."""
    from orgpath.store import Store

    if folder is None or kind_of(name) != "org":
        return None
    mname = manifest_name(name)
    stores = [Store(folder, kinds=("ladder",))]
    if isinstance(ctx.obj, Store):
        stores.append(ctx.obj)
    from orgpath.peoplefile import load_manifest

    wanted = None
    if mname and (folder / mname).exists():
        wanted = load_manifest(folder / mname).get("ladder")
    for store in stores:
        ids = store.ladder_ids()
        pick = wanted if wanted in ids else (ids[0] if wanted is None and len(ids) == 1
                                             else None)
        if pick:
            return store.graph(pick)
    return None


def _term(value: Any) -> str:
    r"""Text safe to print on a terminal: control characters (escape sequences) shown escaped.

    >>> print(_term("Eva\x1b[31m\r"))
    Eva\x1b[31m\r
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(value))


def _print(result: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        emit_json(result[0] if len(result) == 1 else {"files": result})
        return
    for item in result:
        d: Diff | None = item.pop("_diff", None)
        title = _term(f"{item['old']} → {item['new']}")
        if fmt == "markdown":
            if d is None:
                click.echo(f"### {item['new']}\n\n{item['status']}\n")
            else:
                click.echo(as_markdown(d, title))
            continue
        click.echo(title)
        if d is None:
            click.echo(f"  {item['status']}\n")
            continue
        counts = {k: v for k, v in d.by_category().items() if v}
        click.echo("  " + (", ".join(f"{v} {k}" for k, v in counts.items()) or "no changes"))
        if d.changes:
            click.echo(table(["change", "id", "name", "from", "to"],
                             [[_term(c) for c in r] for r in as_rows(d)]))
        if d.teams:
            click.echo("\n" + table(["manager", "name", "before", "after"],
                                    [[_term(t["manager"]), _term(t["name"]), t["before"],
                                      t["after"]] for t in d.teams]))
        totals = " · ".join(f"{k.replace('_', ' ')} {v}" for k, v in d.totals.items())
        click.echo(f"\n{totals}\n")


def _entry(old: str, new: str, kind: str, d: Diff | None, status: str = "changed") -> dict:
    out: dict[str, Any] = {"old": old, "new": new, "kind": kind, "status": status}
    if d is not None:
        out.update(d.as_dict())
        out["_diff"] = d
    return out


@click.command("diff", cls=CleanCommand)
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--since", metavar="REV",
              help="Diff every ladder and people file of the graphs folder against REV.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True, help="How to print the changes.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--fail-on", "fail_on", metavar="CATEGORIES", default="",
              help="Comma-separated change categories (or 'any') that make the command "
                   f"exit with {FAIL_EXIT}: {', '.join(CATEGORIES)}.")
@click.pass_context
def diff(ctx: click.Context, old: str | None, new: str | None, since: str | None, fmt: str,
         as_json: bool, fail_on: str) -> None:
    """What changed between two versions of a ladder or people file.

    \b
    Each side is a file path or REV:path in the git repository:
      orgpath diff HEAD~3:graphs/agency.csv graphs/agency.csv
      orgpath diff main:graphs/sales.yaml graphs/sales.yaml --format markdown
      orgpath --graphs graphs diff --since origin/main --fail-on removed-roles,left
    People: joined, left, moved (manager), promoted (ladder level rose), role and title,
    department, vacancies, dotted lines, team sizes. Ladders: roles added, removed,
    renamed; level, track, reporting line; moves; skills; salary bands.
    Exit codes: 0, 1 for an error, 3 when --fail-on matched (see docs/history.md).
    """
    from orgpath.store import Store

    fmt = "json" if as_json else fmt
    wanted = expand_fail_on(fail_on.split(","))
    store = ctx.obj if isinstance(ctx.obj, Store) else None
    results: list[dict[str, Any]] = []
    if since is not None:
        if old or new:
            raise click.UsageError("give either OLD NEW or --since REV, not both")
        if store is None:
            raise click.UsageError("--since needs the graphs folder (--graphs DIR)")
        folder = store.folder.resolve()
        repo = _repo(folder)
        prefix = folder.relative_to(repo.root).as_posix()
        prefix = "" if prefix == "." else prefix
        past = repo.files_at(since, prefix)
        now = {p.name for p in folder.iterdir() if p.is_file()}
        for name in sorted(set(past) | now):
            kind = kind_of(name)
            if kind is None:
                continue
            rel = f"{prefix}/{name}" if prefix else name
            label_old, label_new = f"{since}:{rel}", str(folder / name)
            if name not in past:
                results.append(_entry(label_old, label_new, kind, None, "added file"))
                continue
            if name not in now:
                results.append(_entry(label_old, label_new, kind, None, "removed file"))
                continue
            before = repo.read_blob(past[name], _limit(kind))
            after = (folder / name).read_bytes()
            if before == after:
                continue
            d = diff_blobs(kind, rel, before, after,
                           ladder=_ladder_graph(ctx, folder, name))
            results.append(_entry(label_old, label_new, kind, d))
    else:
        if not old or not new:
            raise click.UsageError("give OLD and NEW (paths or REV:path), or --since REV")
        hints = [store.folder] if store is not None else []
        label_a, path_a, data_a, _ = _read_side(old, hints)
        label_b, path_b, data_b, folder_b = _read_side(new, hints)
        kind = kind_of(os.path.basename(path_b))
        if kind != kind_of(os.path.basename(path_a)):
            raise ValueError(f"cannot compare a {kind_of(os.path.basename(path_a))} file "
                             f"({label_a}) with a {kind} file ({label_b})")
        d = diff_blobs(kind, os.path.basename(path_b), data_a, data_b,
                       ladder=_ladder_graph(ctx, folder_b, os.path.basename(path_b)))
        results.append(_entry(label_a, label_b, kind, d))
    matched = {c for item in results for c in (item.get("summary") or {})
               if item["summary"][c] and c in wanted}
    matched |= {"removed-roles" for item in results
                if item["status"] == "removed file" and item["kind"] == "ladder"
                and "removed-roles" in wanted}
    if fmt == "json":
        for item in results:
            item.pop("_diff", None)
    _print(results, fmt)
    if matched:
        click.echo(f"orgpath diff: failing on {', '.join(sorted(matched))}", err=True)
        ctx.exit(FAIL_EXIT)
