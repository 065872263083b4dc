"""``orgpath token create|list|revoke``: API tokens in the tokens file (setting ``tokens_file``)."""

from __future__ import annotations

from pathlib import Path

import click

from orgpath import settings
from orgpath.cli.output import emit_json, table
from orgpath.tokens import TokenError, create_token, parse_groups, read_tokens, revoke_token

_FILE = click.option(
    "--tokens-file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="The tokens file. [default: the tokens_file setting, ORGPATH_TOKENS_FILE]")


def _path(path: Path | None) -> Path:
    if path is not None:
        return path
    try:
        configured = settings.get("tokens_file")
    except settings.SettingError as exc:
        raise click.UsageError(str(exc)) from None
    if not configured:
        raise click.UsageError("no tokens file: pass --tokens-file PATH or set "
                               "ORGPATH_TOKENS_FILE (the server reads the same setting)")
    return Path(configured)


@click.group()
def token() -> None:
    """API tokens for `Authorization: Bearer` (only their hashes are stored)."""


@token.command("create")
@click.argument("name")
@click.option("--groups", default="", help="Comma-separated groups the token acts in: hr,it.")
@click.option("--expires", help="When it stops working: 2026-12-31 or an ISO time (UTC).")
@_FILE
def create(name: str, groups: str, expires: str | None, path: Path | None) -> None:
    """Make a token called NAME and print it (the only time it is shown)."""
    where = _path(path)
    try:
        secret = create_token(where, name, parse_groups(groups), expires)
    except TokenError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(secret)
    click.echo(f"orgpath: token {name!r} stored in {where} (only its hash); copy it now, it "
               "is not shown again", err=True)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@_FILE
def list_(as_json: bool, path: Path | None) -> None:
    """The tokens: name, groups, created, expires (never the tokens themselves)."""
    try:
        tokens = read_tokens(_path(path))
    except TokenError as exc:
        raise click.UsageError(str(exc)) from None
    rows = [{"name": t.name, "groups": list(t.groups), "created": t.created,
             "expires": t.expires.isoformat() if t.expires else None,
             "expired": t.expired()} for t in tokens]
    if as_json:
        emit_json(rows)
        return
    click.echo(table(["name", "groups", "created", "expires"],
                     [[r["name"], ",".join(r["groups"]), r["created"],
                       (r["expires"] or "") + (" (expired)" if r["expired"] else "")]
                      for r in rows]))


@token.command("revoke")
@click.argument("name")
@_FILE
def revoke(name: str, path: Path | None) -> None:
    """Remove the token called NAME; requests with it get 401 from then on."""
    where = _path(path)
    try:
        revoke_token(where, name)
    except TokenError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"orgpath: token {name!r} revoked", err=True)
