"""``orgpath serve``: the web service, on gunicorn or Flask's reloader."""

from __future__ import annotations

import os
import sys

import click

from orgpath.store import Store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST",
              help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              envvar="PORT", help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              envvar="WORKERS", help="gunicorn worker processes.")
@click.option("--dev", is_flag=True, help="Run Flask's development server with the reloader.")
@click.pass_obj
def serve(store: Store, host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the web pages and JSON API for the graphs folder."""
    folder = str(store.folder.resolve())
    os.environ["ORGPATH_GRAPHS"] = folder
    url = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"
    click.echo(f"orgpath: serving {folder} at {url}", err=True)
    if dev:
        from orgpath.web import create_app

        create_app({"GRAPHS_DIR": folder}).run(host=host, port=port, debug=True)
        return
    args = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--bind", f"{host}:{port}", "--access-logfile", "-",
            "orgpath.web:create_app()"]
    os.execv(sys.executable, args)
