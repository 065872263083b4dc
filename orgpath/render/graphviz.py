"""Run Graphviz safely: a format and engine whitelist, a timeout, a size cap and a cache.

The ``graphviz`` package's ``pipe()`` has no timeout, so this module runs the
``dot`` program itself with :func:`subprocess.run`. Every failure (no ``dot``
program, a timeout, too large an input, a DOT syntax error) is raised as a
:class:`RenderError` whose message says what went wrong, including Graphviz's
own stderr.

Results are cached by the SHA-256 of (engine, format, options, DOT source): an
in-memory LRU bounded by bytes and, optionally, a folder on disk, so the same
chart rendered twice costs one Graphviz call. :attr:`Runner.stats` counts
Graphviz calls and cache hits.

>>> r = Runner()
>>> svg = r.render('digraph { a -> b }', "svg")
>>> svg.lstrip().startswith(b"<?xml")
True
>>> _ = r.render('digraph { a -> b }', "svg")
>>> (r.stats.calls, r.stats.hits)
(1, 1)
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgpath import settings
from orgpath.lru import ByteLRU

#: Output formats the runner accepts (``-T`` values).
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot", "canon", "plain", "json")
#: Layout engines the runner accepts (``-K`` values).
ENGINES: tuple[str, ...] = ("dot", "neato", "fdp", "circo", "twopi", "osage")

# The runner's defaults are the settings' defaults (orgpath/settings.py declares the limits).
DEFAULT_TIMEOUT: float = settings.BY_NAME["graphviz_timeout"].default
DEFAULT_MAX_INPUT: int = settings.BY_NAME["graphviz_max_input"].default
DEFAULT_CACHE_BYTES: int = settings.BY_NAME["chart_cache_bytes"].default
DEFAULT_MAX_PNG_PIXELS: int = settings.BY_NAME["max_png_pixels"].default
#: The settings :func:`runner_from_settings` reads.
RUNNER_SETTINGS = ("dot", "graphviz_timeout", "graphviz_max_input", "chart_cache_bytes",
                   "max_png_pixels")
#: Graphviz's resolution for bitmaps when none is given (``dpi=`` scales from it).
PNG_DPI = 96
#: Formats the core plugins draw without Cairo/Pango (see :func:`core_plugin_dir`).
CORE_FORMATS = frozenset({"svg", "dot", "canon", "plain", "json"})
_CORE_PLUGINS = ("libgvplugin_core", "libgvplugin_dot_layout", "libgvplugin_neato_layout")
_STDERR_LIMIT = 2000  # characters of Graphviz's stderr kept in a message


class RenderError(Exception):
    """A chart could not be drawn; the message says why."""


class GraphvizMissing(RenderError):
    """Graphviz is not installed or could not be started."""


class GraphvizTimeout(RenderError):
    """Graphviz took longer than the timeout and was stopped."""


@dataclass
class RenderStats:
    """Counters of a :class:`Runner` (a snapshot when read from ``Runner.stats``)."""

    calls: int = 0  # Graphviz processes started
    hits: int = 0  # answers from the memory or disk cache
    disk_hits: int = 0  # of which from the disk cache
    misses: int = 0  # renders that had to call Graphviz
    errors: int = 0  # Graphviz calls that failed
    cached_bytes: int = 0  # bytes held by the memory cache
    cached_items: int = 0


class Runner:
    """Runs Graphviz with limits and caches its output.

    ``binary`` is the ``dot`` program (a name looked up on ``PATH`` or a path);
    the engine is chosen with ``-K``. ``cache_bytes=0`` turns the memory cache
    off; ``cache_dir`` adds an on-disk cache shared between processes.
    ``max_png_pixels`` bounds the PNG org charts drawn with it (they are scaled down).
    A ``Runner`` is safe to share between threads.
    """

    def __init__(
        self,
        binary: str = "dot",
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_input: int = DEFAULT_MAX_INPUT,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        cache_dir: str | os.PathLike | None = None,
        max_png_pixels: int = DEFAULT_MAX_PNG_PIXELS,
    ) -> None:
        self.binary = binary
        self.max_png_pixels = max_png_pixels
        self.dpi: int | None = None  # PNG resolution (-Gdpi); None: Graphviz's 96
        self.timeout = timeout
        self.max_input = max_input
        self.cache_bytes = cache_bytes
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._cache = ByteLRU(cache_bytes)
        self._stats = RenderStats()
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------

    @property
    def stats(self) -> RenderStats:
        """A snapshot of the counters."""
        with self._lock:
            s = RenderStats(**vars(self._stats))
            s.cached_bytes, s.cached_items = self._cache.currsize, len(self._cache)
            return s

    def at_dpi(self, dpi: int | None) -> Runner:
        """This runner drawing PNGs at ``dpi`` (``-Gdpi``); it shares the cache and counters.

        Its ``max_png_pixels`` is what the budget allows at Graphviz's own 96 dpi, so
        writers that scale a bitmap down to fit (org charts) keep it within the budget.

        >>> r = Runner(max_png_pixels=1_000_000).at_dpi(192)
        >>> r.dpi, r.max_png_pixels, r._arguments("png", "dot", 0)[-1]
        (192, 250000, '-Gdpi=192')
        """
        if dpi is None or dpi == self.dpi:
            return self
        clone = copy.copy(self)  # shallow: the same cache, counters and lock
        clone.dpi = dpi
        clone.max_png_pixels = max(1, int(self.max_png_pixels * (PNG_DPI / dpi) ** 2))
        return clone

    def clear_cache(self) -> None:
        """Empty the memory cache (the disk cache is left alone) and keep the counters."""
        with self._lock:
            self._cache.clear()

    def reset_stats(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._stats = RenderStats()

    def render(
        self,
        source: str,
        fmt: str = "svg",
        engine: str = "dot",
        *,
        pinned: int = 0,
        timeout: float | None = None,
    ) -> bytes:
        """Lay out and draw DOT ``source`` as ``fmt`` with ``engine``; return the bytes.

        ``pinned`` (1 or 2) passes neato's ``-n``/``-n2``: keep the ``pos`` given
        in the source (for pre-laid-out charts). ``timeout`` overrides the
        runner's for this call. Raises :class:`RenderError` on any failure.
        """
        args = self._arguments(fmt, engine, pinned)
        if not isinstance(source, str):
            raise RenderError(f"DOT source must be text, not {type(source).__name__}")
        data = source.encode("utf-8")
        if len(data) > self.max_input:
            raise RenderError(
                f"the chart is too large to draw: {len(data):,} bytes of DOT "
                f"(the limit is {self.max_input:,})"
            )
        # Pinned charts have fixed box sizes: Pango's text measuring (half of Graphviz's time
        # on a big org chart) changes nothing there, so such SVGs are drawn by the core
        # plugins alone, which estimate text widths from built-in font metrics.
        env = None
        if pinned and fmt in CORE_FORMATS:
            core = core_plugin_dir(self._executable())
            if core is not None:
                env = {**os.environ, "GVBINDIR": core}
        key = _cache_key(self.binary, [*args, "core" if env else "full"], data)
        cached = self._lookup(key, fmt)
        if cached is not None:
            return cached
        out = self._run(args, data, timeout=self.timeout if timeout is None else timeout,
                        engine=engine, env=env)
        self._store(key, fmt, out)
        return out

    def version(self) -> str:
        """Graphviz's version line (``dot - graphviz version ...``)."""
        exe = self._executable()
        try:
            proc = subprocess.run([exe, "-V"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise GraphvizMissing(f"could not run Graphviz ({exe}): {exc}") from None
        return proc.stderr.decode("utf-8", "replace").strip()

    # -- internals ----------------------------------------------------------

    def _arguments(self, fmt: str, engine: str, pinned: int) -> list[str]:
        if fmt not in FORMATS:
            raise RenderError(f"unknown Graphviz format {fmt!r}; use one of {', '.join(FORMATS)}")
        if engine not in ENGINES:
            raise RenderError(
                f"unknown Graphviz engine {engine!r}; use one of {', '.join(ENGINES)}"
            )
        args = [f"-T{fmt}", f"-K{engine}"]
        if pinned:
            if engine != "neato" or pinned not in (1, 2):
                raise RenderError("pinned positions need engine='neato' and pinned=1 or 2")
            args.append(f"-n{pinned}")
        if self.dpi is not None and fmt == "png":
            args.append(f"-Gdpi={int(self.dpi)}")
        return args

    def _executable(self) -> str:
        exe = shutil.which(self.binary)
        if exe is None:
            raise GraphvizMissing(
                f"Graphviz is not installed: the program {self.binary!r} was not found "
                "(install the 'graphviz' system package, e.g. apt-get install graphviz)"
            )
        return exe

    def _run(self, args: list[str], data: bytes, *, timeout: float, engine: str,
             env: dict[str, str] | None = None) -> bytes:
        exe = self._executable()
        with self._lock:
            self._stats.calls += 1
            self._stats.misses += 1
        try:
            out, err, code = _run_child([exe, *args], data, timeout, env)
        except subprocess.TimeoutExpired:
            self._count_error()
            raise GraphvizTimeout(
                f"Graphviz ({engine}) took longer than {timeout:g} s and was stopped; "
                "draw a smaller part of the chart"
            ) from None
        except OSError as exc:
            self._count_error()
            why = exc.strerror or exc
            raise GraphvizMissing(f"could not run Graphviz ({exe}): {why}") from None
        problem = _child_problem(code, out, err, args[0][2:])
        if problem is not None:
            self._count_error()
            raise RenderError(f"Graphviz ({engine}) could not draw the chart: {problem}")
        return out

    def _count_error(self) -> None:
        with self._lock:
            self._stats.errors += 1

    def _lookup(self, key: str, fmt: str) -> bytes | None:
        out = self._cache.get(key)
        if out is not None:
            with self._lock:
                self._stats.hits += 1
            return out
        if self.cache_dir is None:
            return None
        try:
            out = self._disk_path(key, fmt).read_bytes()
        except OSError:
            return None
        with self._lock:
            self._stats.hits += 1
            self._stats.disk_hits += 1
        self._remember(key, out)
        return out

    def _store(self, key: str, fmt: str, out: bytes) -> None:
        self._remember(key, out)
        if self.cache_dir is None:
            return
        path = self._disk_path(key, fmt)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(out)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # a disk cache that cannot be written is only slower

    def _remember(self, key: str, out: bytes) -> None:
        self._cache.put(key, out)  # an entry over a quarter of the budget is not kept

    def _disk_path(self, key: str, fmt: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / key[:2] / f"{key}.{fmt}"


def _run_child(argv: list[str], data: bytes, timeout: float,
               env: dict[str, str] | None) -> tuple[bytes, bytes, int]:
    """Run ``argv`` with ``data`` on stdin in a process group of its own: (stdout, stderr, code).

    The whole group is killed on a timeout and on any exception here (a signal
    such as KeyboardInterrupt included), so no Graphviz child outlives its caller.
    """
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except BaseException:
        _kill_group(proc)
        raise
    return out, err, proc.returncode


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass  # already gone
    proc.kill()
    proc.communicate()


_PNG_END = b"IEND\xaeB`\x82"


def _child_problem(code: int, out: bytes, err: bytes, fmt: str) -> str | None:
    """Why a Graphviz run failed (its exit, its stderr, or output cut short), or None."""
    why = err.decode("utf-8", "replace").strip()[:_STDERR_LIMIT]
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the Graphviz process was killed by {name}" + (f": {why}" if why else "")
    if code != 0 or not out:
        return why or f"exit status {code} and no output"
    complete = {"svg": lambda: out.rstrip().endswith(b"</svg>"),
                "png": lambda: out.endswith(_PNG_END),
                "pdf": lambda: b"%%EOF" in out[-1024:]}.get(fmt)
    if complete is not None and not complete():
        return f"its {fmt.upper()} output is incomplete ({len(out):,} bytes)"
    return None


def plugin_cache_home(environ: Mapping[str, str] | None = None) -> Path:
    """The user's cache folder for orgpath: ``$XDG_CACHE_HOME/orgpath`` or ``~/.cache/orgpath``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orgpath"


def private_dir_problem(path: Path) -> str | None:
    """Why ``path`` is not a folder only the current user controls, or None when it is.

    Refused: a symlink, not a folder, owned by another user, or open to group or others.
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    if st.st_uid != os.getuid():
        return f"is owned by user {st.st_uid}, not {os.getuid()}"
    if st.st_mode & 0o077:
        return f"has mode {stat.S_IMODE(st.st_mode):o}; it must be 700"
    return None


def _private_dir(path: Path) -> Path | None:
    """``path`` made (mode 0700) if missing; None if it exists but is not private."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return path if private_dir_problem(path) is None else None


_core_dirs: dict[tuple[str, str], str | None] = {}
_core_lock = threading.Lock()
_fresh_dirs: list[str] = []


def core_plugin_dir(exe: str, *, cache_home: Path | None = None) -> str | None:
    """A Graphviz plugin folder with only the core renderers and the layout engines.

    It lives in a private folder of the current user (``cache_home``, default
    :func:`plugin_cache_home`), made once and checked before every use: a
    folder that is a symlink, owned by someone else or writable by others is
    refused and a fresh ``mkdtemp`` folder is used instead. The folder links to
    the system's plugins, has a config written by ``dot -c`` and is checked by
    drawing a tiny chart. None when Graphviz's plugins cannot be found or the
    folder does not work: callers then use the full plugin set.
    """
    home = cache_home if cache_home is not None else plugin_cache_home()
    key = (exe, str(home))
    with _core_lock:
        if key not in _core_dirs:
            _core_dirs[key] = _find_core_dir(exe, home)
        found = _core_dirs[key]
    if found is not None and private_dir_problem(Path(found)) is not None:
        with _core_lock:  # changed under us since it was made: make a fresh one
            found = _core_dirs[key] = _find_core_dir(exe, home)
    return found


def _find_core_dir(exe: str, home: Path) -> str | None:
    try:
        probe = subprocess.run([exe, "-v", "-Tdot"], input=b"digraph{}", capture_output=True,
                               timeout=10, check=False)
        libdir = next((line.split("=", 1)[1].strip().strip('"')
                       for line in probe.stderr.decode("utf-8", "replace").splitlines()
                       if line.startswith("libdir")), None)
        if libdir and Path(libdir).is_dir():
            return _make_core_dir(exe, Path(libdir), home)
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def _make_core_dir(exe: str, libdir: Path, home: Path) -> str | None:
    plugins = [p for p in libdir.iterdir() if p.name.startswith(_CORE_PLUGINS)]
    if len(plugins) < 2:
        return None
    tag = hashlib.sha256(f"{exe}\0{libdir}".encode()).hexdigest()[:12]
    parent = _private_dir(home)
    target = parent / f"gvcore-{tag}" if parent is not None else None
    if target is not None and not os.path.lexists(target):
        staging = Path(tempfile.mkdtemp(prefix=".gvcore-", dir=parent))
        _fill_core_dir(exe, staging, plugins)
        try:
            staging.rename(target)  # atomic: another process may have won the race
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    if target is None or private_dir_problem(target) is not None:
        target = Path(tempfile.mkdtemp(prefix="orgpath-gvcore-"))  # mode 0700, fresh
        _fresh_dirs.append(str(target))
        _fill_core_dir(exe, target, plugins)
    env = {**os.environ, "GVBINDIR": str(target)}
    check = subprocess.run([exe, "-Kneato", "-n2", "-Tsvg"], env=env, capture_output=True,
                           input=b'digraph{a[pos="1,1!" label="x"]}', timeout=10, check=False)
    return str(target) if check.returncode == 0 and b"<svg" in check.stdout else None


def _fill_core_dir(exe: str, folder: Path, plugins: list[Path]) -> None:
    for plugin in plugins:
        (folder / plugin.name).symlink_to(plugin)
    env = {**os.environ, "GVBINDIR": str(folder)}
    subprocess.run([exe, "-c"], env=env, capture_output=True, timeout=10, check=False)


@atexit.register
def _remove_fresh_dirs() -> None:
    for folder in _fresh_dirs:
        shutil.rmtree(folder, ignore_errors=True)


def _cache_key(binary: str, args: list[str], data: bytes) -> str:
    h = hashlib.sha256()
    h.update(binary.encode("utf-8", "surrogateescape"))
    h.update(b"\0" + " ".join(args).encode() + b"\0")
    h.update(data)
    return h.hexdigest()


def runner_from_settings(values: Mapping[str, Any] | None = None) -> Runner:
    """A :class:`Runner` with the limits of the settings in :data:`RUNNER_SETTINGS`.

    ``values`` maps setting names (lower case, as :func:`orgpath.settings.load`
    gives, or upper case, as a Flask app's config holds) to values; a missing
    one is read from ``ORGPATH_<NAME>``, else its default.

    >>> r = runner_from_settings({"graphviz_max_input": 5000, "GRAPHVIZ_TIMEOUT": 3.0})
    >>> r.max_input, r.timeout, r.binary
    (5000, 3.0, 'dot')
    """
    values = values or {}

    def value(name: str) -> Any:
        for key in (name, name.upper()):
            if key in values:
                return values[key]  # already checked where the settings were loaded
        return settings.get(name)

    return Runner(value("dot"), timeout=float(value("graphviz_timeout")),
                  max_input=int(value("graphviz_max_input")),
                  cache_bytes=int(value("chart_cache_bytes")),
                  max_png_pixels=int(value("max_png_pixels")))


_default: Runner | None = None
_default_lock = threading.Lock()


def default_runner() -> Runner:
    """The process-wide runner, with the limits of the settings (:func:`runner_from_settings`)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = runner_from_settings()
        return _default


def run_graphviz(source: str, fmt: str = "svg", engine: str = "dot", *, pinned: int = 0) -> bytes:
    """Draw DOT ``source`` with the process-wide :func:`default_runner`."""
    return default_runner().render(source, fmt, engine, pinned=pinned)
