"""The ``orgpath`` command: a small click group over the store, queries and render."""

from __future__ import annotations

from pathlib import Path

import click

from orgpath.cli.errors import CleanGroup, exit_on_sigterm
from orgpath.resources import default_graphs_dir
from orgpath.store import Store


@click.group(cls=CleanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--graphs", "graphs", type=click.Path(file_okay=False, path_type=Path),
    envvar="ORGPATH_GRAPHS", show_envvar=True,
    help="Folder of ladder (.yaml/.json) and org (.csv) files. [default: the bundled one]",
)
@click.version_option(package_name="orgpath")
@click.pass_context
def main(ctx: click.Context, graphs: Path | None) -> None:
    """Career ladders and org charts: next roles, promotion paths, reporting lines, diagrams.

    \b
    Examples:
      orgpath roles
      orgpath next "Account Manager"
      orgpath path assistant-account-manager vp-of-account-management -k 3
      orgpath compare account-manager lead-account-manager
      orgpath gap account-manager director-of-account-management --have coaching=2
      orgpath validate graphs/*.yaml
      orgpath serve
    """
    exit_on_sigterm(ctx)
    # The store reads nothing until a command asks it for a ladder, so `--help` and
    # `validate FILE` never read the graphs folder; and it reads ladders only (a command
    # that names an org by id reads the folder's orgs then: see cli/people.py).
    ctx.obj = Store(graphs or default_graphs_dir(), kinds=("ladder",))


from orgpath.cli import diff, export, frameworks, ladder, people, serve, token  # noqa: E402

for command in (*ladder.COMMANDS, *frameworks.COMMANDS, export.export, people.people, serve.serve,
                serve.worker, serve.settings_cmd, diff.diff, token.token):
    main.add_command(command)
export.export.add_command(people.org)
