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

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

#: Output formats the runner accepts (``-T`` values).
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot", "canon", "plain", "json")
#: Layout engines the runner accepts (``-K`` values).
ENGINES: tuple[str, ...] = ("dot", "neato", "fdp", "circo", "twopi", "osage")

DEFAULT_TIMEOUT = 20.0  # seconds
DEFAULT_MAX_INPUT = 2_000_000  # bytes of DOT source
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
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
    ) -> None:
        self.binary = binary
        self.timeout = timeout
        self.max_input = max_input
        self.cache_bytes = cache_bytes
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._stats = RenderStats()
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------

    @property
    def stats(self) -> RenderStats:
        """A snapshot of the counters."""
        with self._lock:
            s = RenderStats(**vars(self._stats))
            s.cached_bytes, s.cached_items = self._size, len(self._cache)
            return s

    def clear_cache(self) -> None:
        """Empty the memory cache (the disk cache is left alone) and keep the counters."""
        with self._lock:
            self._cache.clear()
            self._size = 0

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
        out = self._run(args, data, self.timeout if timeout is None else timeout, engine, env)
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
        return args

    def _executable(self) -> str:
        exe = shutil.which(self.binary)
        if exe is None:
            raise GraphvizMissing(
                f"Graphviz is not installed: the program {self.binary!r} was not found "
                "(install the 'graphviz' system package, e.g. apt-get install graphviz)"
            )
        return exe

    def _run(self, args: list[str], data: bytes, timeout: float, engine: str,
             env: dict[str, str] | None = None) -> bytes:
        exe = self._executable()
        with self._lock:
            self._stats.calls += 1
            self._stats.misses += 1
        try:
            proc = subprocess.run(
                [exe, *args], input=data, capture_output=True, timeout=timeout, check=False,
                env=env,
            )
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
        if proc.returncode != 0 or not proc.stdout:
            self._count_error()
            err = proc.stderr.decode("utf-8", "replace").strip()[:_STDERR_LIMIT]
            why = err or f"exit status {proc.returncode} and no output"
            raise RenderError(f"Graphviz ({engine}) could not draw the chart: {why}")
        return proc.stdout

    def _count_error(self) -> None:
        with self._lock:
            self._stats.errors += 1

    def _lookup(self, key: str, fmt: str) -> bytes | None:
        with self._lock:
            out = self._cache.get(key)
            if out is not None:
                self._cache.move_to_end(key)
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
        # An entry larger than a quarter of the budget would evict everything else.
        if self.cache_bytes <= 0 or len(out) > self.cache_bytes // 4:
            return
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = out
            self._size += len(out)
            while self._size > self.cache_bytes and self._cache:
                _, old = self._cache.popitem(last=False)
                self._size -= len(old)

    def _disk_path(self, key: str, fmt: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / key[:2] / f"{key}.{fmt}"


_core_dirs: dict[str, str | None] = {}


def core_plugin_dir(exe: str) -> str | None:
    """A Graphviz plugin folder with only the core renderers and the layout engines.

    Made once per machine (a folder in the temp dir with links to the system's
    plugins and a config written by ``dot -c``) and checked by drawing a tiny
    chart with it. None when Graphviz's plugins cannot be found or the folder
    does not work: callers then use the full plugin set.
    """
    if exe in _core_dirs:
        return _core_dirs[exe]
    found = None
    try:
        probe = subprocess.run([exe, "-v", "-Tdot"], input=b"digraph{}", capture_output=True,
                               timeout=10, check=False)
        libdir = next((line.split("=", 1)[1].strip().strip('"')
                       for line in probe.stderr.decode("utf-8", "replace").splitlines()
                       if line.startswith("libdir")), None)
        if libdir and Path(libdir).is_dir():
            found = _make_core_dir(exe, Path(libdir))
    except (OSError, subprocess.SubprocessError):
        found = None
    _core_dirs[exe] = found
    return found


def _make_core_dir(exe: str, libdir: Path) -> str | None:
    tag = hashlib.sha256(f"{exe}\0{libdir}".encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"orgpath-gvcore-{os.getuid()}-{tag}"
    if not target.is_dir():
        plugins = [p for p in libdir.iterdir() if p.name.startswith(_CORE_PLUGINS)]
        if len(plugins) < 2:
            return None
        staging = Path(tempfile.mkdtemp(prefix=".orgpath-gvcore-"))
        for plugin in plugins:
            (staging / plugin.name).symlink_to(plugin)
        env = {**os.environ, "GVBINDIR": str(staging)}
        subprocess.run([exe, "-c"], env=env, capture_output=True, timeout=10, check=False)
        try:
            staging.rename(target)  # atomic: another process may have won the race
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, "GVBINDIR": str(target)}
    check = subprocess.run([exe, "-Kneato", "-n2", "-Tsvg"], env=env, capture_output=True,
                           input=b'digraph{a[pos="1,1!" label="x"]}', timeout=10, check=False)
    return str(target) if check.returncode == 0 and b"<svg" in check.stdout else None


def _cache_key(binary: str, args: list[str], data: bytes) -> str:
    h = hashlib.sha256()
    h.update(binary.encode("utf-8", "surrogateescape"))
    h.update(b"\0" + " ".join(args).encode() + b"\0")
    h.update(data)
    return h.hexdigest()


_default: Runner | None = None
_default_lock = threading.Lock()


def default_runner() -> Runner:
    """The process-wide runner (``$ORGPATH_DOT`` names the program, default ``dot``)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runner(os.environ.get("ORGPATH_DOT", "dot"))
        return _default


def run_graphviz(source: str, fmt: str = "svg", engine: str = "dot", *, pinned: int = 0) -> bytes:
    """Draw DOT ``source`` with the process-wide :func:`default_runner`."""
    return default_runner().render(source, fmt, engine, pinned=pinned)
