"""``orgpath serve`` (the web service, on gunicorn or Flask's reloader), ``orgpath worker``
(export jobs on RQ) and ``orgpath settings``."""

from __future__ import annotations

import ipaddress
import os
import sys
import tempfile
import threading

import click

from orgpath import settings
from orgpath.cli.output import emit_json, table
from orgpath.store import Store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST",
              help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              envvar="PORT", help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), envvar="WORKERS",
              help="gunicorn worker processes. [default: the 'workers' setting, 2]")
@click.option("--setting", "-s", "overrides", type=(str, str), multiple=True,
              metavar="NAME VALUE",
              help="Set a setting (see `orgpath settings`); may be repeated. Overrides "
                   "ORGPATH_<NAME>.")
@click.option("--dev", is_flag=True, help="Run Flask's development server with the reloader.")
@click.pass_obj
def serve(store: Store, host: str, port: int, workers: int | None,
          overrides: tuple[tuple[str, str], ...], dev: bool) -> None:
    """Serve the web pages and JSON API for the graphs folder.

    gunicorn's master loads the folder once before it forks the workers, which share
    that memory and each reload changed files (setting preload; off: each worker loads
    its own copy).

    \b
    Examples:
      orgpath serve
      orgpath serve --port 9000 --setting max_org_chart_people 50000
      ORGPATH_GRAPHVIZ_TIMEOUT=20 orgpath serve --workers 4
    """
    try:
        values = settings.load(overrides=overrides)
    except settings.SettingError as exc:
        raise click.UsageError(str(exc)) from None
    check_auth(host, values)
    # gunicorn's workers read the settings from the environment: pass the checked overrides on.
    for name, raw in overrides:
        os.environ[settings.setting(name).env] = raw
    folder = str(store.folder.resolve())
    os.environ["ORGPATH_GRAPHS"] = folder
    # Private folders the gunicorn workers share: Prometheus' per-process files and, unless
    # jobs_folder says where, the embedded job pool's states and results.
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="orgpath-metrics-")
    if not values["jobs_folder"]:
        os.environ["ORGPATH_JOBS_FOLDER"] = tempfile.mkdtemp(prefix="orgpath-jobs-")
    workers = workers or values["workers"]
    url = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"
    click.echo(f"orgpath: serving {folder} at {url}", err=True)
    if dev:
        from orgpath.web import create_app

        create_app({"GRAPHS": folder}).run(host=host, port=port, debug=True)
        return
    args = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(values["threads"]),
            "--timeout", str(values["worker_timeout"]),
            "--bind", f"{host}:{port}",
            # the fork hooks: loader threads, gc.freeze, metrics of dead workers
            "--config", "python:orgpath.cli.gunicorn_hooks"]
    if values["preload"]:  # load once in the master; the workers share its pages
        args.append("--preload")
    if not values["json_logs"]:  # with json_logs the app logs each request itself
        args += ["--access-logfile", "-"]
    args.append("orgpath.web:create_app()")
    os.execv(sys.executable, args)


def _loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_auth(host: str, values: dict) -> None:
    """Refuse to serve people data to a network without a chosen ``auth`` setting."""
    if values["auth"] == "" and not _loopback(host):
        raise click.UsageError(
            f"--host {host} serves beyond this machine, and no sign-in is configured. "
            "Choose one: --setting auth proxy (behind a signing-in reverse proxy, with "
            "trusted_proxies), --setting auth oidc (OpenID Connect: oidc_issuer, "
            "oidc_client_id, oidc_client_secret, secret_key), or --setting auth none "
            "to serve everything to everyone who can reach the port. See docs/privacy.md.")
    if values["auth"] == "oidc":
        missing = [n for n in ("oidc_issuer", "oidc_client_id", "secret_key") if not values[n]]
        if missing:
            raise click.UsageError(f"auth oidc needs {', '.join(missing)} "
                                   "(see docs/privacy.md)")
@click.command()
@click.option("--setting", "-s", "overrides", type=(str, str), multiple=True,
              metavar="NAME VALUE",
              help="Set a setting (see `orgpath settings`); may be repeated. Overrides "
                   "ORGPATH_<NAME>.")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.pass_obj
def worker(store: Store, overrides: tuple[tuple[str, str], ...], burst: bool) -> None:
    """Run export jobs from Redis (RQ): the worker of `orgpath serve` with redis_url set.

    It draws from the same graphs folder (--graphs, or ORGPATH_GRAPHS) and keeps
    results where job_results says. Any worker also retries or fails the jobs of
    workers that died (no heartbeat for job_heartbeat seconds).

    \b
    Examples:
      ORGPATH_REDIS_URL=redis://127.0.0.1:6379/0 orgpath worker
      orgpath --graphs /srv/graphs worker -s redis_url redis://redis:6379/0
    """
    try:
        values = settings.load(overrides=overrides)
    except settings.SettingError as exc:
        raise click.UsageError(str(exc)) from None
    if not values["redis_url"]:
        raise click.UsageError("orgpath worker needs the redis_url setting "
                               "(ORGPATH_REDIS_URL or --setting redis_url URL)")
    for name, raw in overrides:  # the job processes (RQ's work horses) read the environment
        os.environ[settings.setting(name).env] = raw
    os.environ["ORGPATH_GRAPHS"] = str(store.folder.resolve())
    values["graphs"] = os.environ["ORGPATH_GRAPHS"]
    if values["json_logs"]:
        from orgpath.web.observe import use_json_logs

        use_json_logs()
    from redis.exceptions import ConnectionError as RedisDown
    from rq import Queue, Worker

    from orgpath.jobs import QUEUE, Jobs, _worker_store

    try:
        jobs = Jobs(values)
        jobs.conn.ping()
    except (RedisDown, OSError) as exc:
        raise click.ClickException(f"cannot reach Redis at redis_url: {exc}") from None
    _worker_store(values)  # load the folder once; every job's process inherits it
    stop = threading.Event()

    def sweep() -> None:
        while not stop.wait(jobs.heartbeat / 2):
            try:
                jobs.sweep()
            except Exception as exc:  # Redis gone for a moment: try again next round
                click.echo(f"orgpath worker: sweep failed: {exc}", err=True)

    jobs.sweep()
    threading.Thread(target=sweep, daemon=True, name="orgpath-sweep").start()
    click.echo(f"orgpath worker: taking export jobs from {QUEUE}", err=True)
    try:
        Worker([Queue(QUEUE, connection=jobs.conn)], connection=jobs.conn).work(burst=burst)
    finally:
        stop.set()


@click.command("settings")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--markdown", is_flag=True, help="Print the Markdown table of docs/web.md.")
def settings_cmd(as_json: bool, markdown: bool) -> None:
    """Every setting: name, value now (from ORGPATH_* or the default), default and help."""
    try:
        values = settings.load()
    except settings.SettingError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        emit_json([{"name": s.name, "env": s.env, "type": s.type, "default": s.default,
                    "value": values[s.name], "help": s.help} for s in settings.SETTINGS])
        return
    if markdown:
        click.echo("| setting | environment | default | meaning |\n|---|---|---|---|")
        for s in settings.SETTINGS:
            click.echo(f"| `{s.name}` | `{s.env}` | {s.default_text()} | {s.help} |")
        return
    rows = [[s.name, s.type, s.default_text(), values[s.name] if values[s.name] != s.default
             else "", s.help] for s in settings.SETTINGS]
    click.echo(table(["name", "type", "default", "set to", "help"], rows))
