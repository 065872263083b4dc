"""People's photos: found only inside the graphs folder, shown re-encoded at a few sizes.

A person's photo is ``photos/<id>.jpg|jpeg|png|webp`` beside the people file, or the file
its ``photo`` column names, relative to that folder. Never a URL (nothing is ever
fetched), never a path that leaves the folder (``..``, absolute paths, symlinks out),
never a special file, and never when the audience's view hides it
(:mod:`orgpath.audience`: ``Org.photos_hidden``, ``Org.photo_hidden``). The web
(``/orgs/<org>/people/<id>/photo.jpg``, the explorer) and the PowerPoint deck use
:func:`find_photo`; :func:`render_photo` turns a file into a square JPEG of one size,
with no metadata, refusing files over ``max_photo_bytes`` or ``max_photo_pixels``.

>>> photo_sizes(384), default_size(384)
((48, 96, 192, 384), 96)
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["SUFFIXES", "PhotoError", "default_size", "file_stamp", "find_photo", "folder_stamp",
           "org_folder", "photo_ids", "photo_sizes", "render_photo"]

#: The image files a photo may be (lower-case suffixes).
SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".webp")
#: The decoders Pillow may use on a photo: no others, whatever the file claims to be.
_DECODERS = ("JPEG", "PNG", "WEBP")
#: The smallest size served; the others double up to ``max_photo_size``.
_SMALLEST = 48
_SAFE_ID = re.compile(r"^[\w][\w.-]*$")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:|^[/\\]", re.IGNORECASE)  # scheme:, /abs, \\unc


class PhotoError(ValueError):
    """A photo file that cannot be shown; the message names the file and why."""


def photo_sizes(max_size: int) -> tuple[int, ...]:
    """The square sizes served (pixels): 48, doubling, up to ``max_size``."""
    out, s = [], _SMALLEST
    while s <= max(max_size, _SMALLEST):
        out.append(s)
        s *= 2
    return tuple(out)


def default_size(max_size: int) -> int:
    """The size served without ``?size=``: the explorer's box photo on a 2x screen."""
    sizes = photo_sizes(max_size)
    return sizes[1] if len(sizes) > 1 else sizes[0]


def _hidden(pid: str, org: Any) -> bool:
    return bool(getattr(org, "photos_hidden", False)) or pid in getattr(org, "photo_hidden", ())


def _inside(path: Path, root: Path, suffixes: tuple[str, ...]) -> Path | None:
    """``path`` resolved (symlinks followed) if it stays in ``root`` and is a regular image file."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links, a name too long
        return None
    if real.suffix.lower() not in suffixes or not real.is_relative_to(root):
        return None
    try:
        return real if real.is_file() else None
    except OSError:
        return None


def _column_path(value: str | None, root: Path) -> Path | None:
    """The file the ``photo`` column names, relative to the folder; None for a URL or an
    absolute path (never fetched, never read)."""
    if not value:
        return None
    value = value.strip()
    if not value or _REMOTE.search(value) or "\x00" in value:
        return None
    return root / value


def find_photo(person: Any, folder: Path | None, org: Any = None, *,
               suffixes: tuple[str, ...] = SUFFIXES) -> Path | None:
    """The photo file of ``person`` inside ``folder``, or None.

    None too when ``org`` (the audience's view of the org) hides this person's photo.
    ``suffixes`` narrows the kinds of file (a deck takes JPEG and PNG only).
    """
    if folder is None or _hidden(person.id, org):
        return None
    root = Path(folder).resolve()
    candidates = []
    if _SAFE_ID.match(person.id):
        candidates += [root / "photos" / f"{person.id}{s}" for s in suffixes]
    named = _column_path(person.photo_url, root)
    if named is not None:
        candidates.append(named)
    for c in candidates:
        found = _inside(c, root, suffixes)
        if found is not None:
            return found
    return None


def photo_ids(people: Iterable[Any], folder: Path | None, org: Any = None) -> set[str]:
    """The ids of ``people`` with a photo the view may show, with one listing of ``photos/``.

    A regular file (not a link) in a ``photos/`` folder that is inside the folder needs no
    more checks; links and the ``photo`` column go through :func:`find_photo`.
    """
    if folder is None or getattr(org, "photos_hidden", False):
        return set()
    root = Path(folder).resolve()
    plain: dict[str, bool] = {}  # file name -> a regular file, not a link
    try:
        if (root / "photos").resolve().is_relative_to(root):
            with os.scandir(root / "photos") as it:
                for e in it:
                    plain[e.name] = e.is_file(follow_symlinks=False)
    except OSError:
        plain = {}
    out = set()
    for p in people:
        if _hidden(p.id, org):
            continue
        names = [p.id + s for s in SUFFIXES if p.id + s in plain] if plain else []
        if any(plain[n] for n in names) and _SAFE_ID.match(p.id):
            out.add(p.id)
        elif (names or p.photo_url) and find_photo(p, root, org) is not None:
            out.add(p.id)
    return out


def org_folder(org: Any) -> Path | None:
    """The folder an org's people file is in (where its ``photos/`` are), if it has one."""
    path = getattr(org, "path", None)
    return Path(path).parent if path else None


def folder_stamp(folder: Path | None) -> tuple[int, int]:
    """A stamp of the ``photos/`` folder that changes when photos are added or removed."""
    if folder is None:
        return (0, 0)
    try:
        st = os.stat(Path(folder) / "photos")
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_ino)


def file_stamp(path: Path) -> tuple[int, int, int]:
    """``(mtime_ns, size, inode)`` of a photo file: a new stamp whenever it is replaced."""
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def render_photo(path: Path, size: int, *, max_bytes: int, max_pixels: int) -> bytes:
    """``path`` as a ``size`` × ``size`` JPEG (cropped to a square, turned upright, no metadata).

    Raises :class:`PhotoError` (naming the file) for a file over ``max_bytes``, an image
    over ``max_pixels``, or anything Pillow cannot decode as JPEG, PNG or WebP.
    """
    from PIL import Image, ImageOps

    name = path.name
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise PhotoError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise PhotoError(f"{name}: larger than max_photo_bytes ({max_bytes:,} bytes)")
    try:
        im = Image.open(io.BytesIO(data), formats=_DECODERS)
        w, h = im.size
        if w * h > max_pixels:
            raise PhotoError(f"{name}: {w:,} × {h:,} pixels, more than max_photo_pixels "
                             f"({max_pixels:,})")
        if im.format == "JPEG":
            im.draft("RGB", (size * 2, size * 2))  # decode at a fraction of the size
        im = ImageOps.exif_transpose(im)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            im = im.convert("RGBA")
            flat = Image.new("RGB", im.size, (255, 255, 255))
            flat.paste(im, mask=im.getchannel("A"))
            im = flat
        elif im.mode != "RGB":
            im = im.convert("RGB")
        im = ImageOps.fit(im, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        out = io.BytesIO()
        im.save(out, "JPEG", quality=85, optimize=True)  # no exif=, no icc: nothing carried over
        return out.getvalue()
    except PhotoError:
        raise
    except Image.DecompressionBombError:
        raise PhotoError(f"{name}: too many pixels (a decompression bomb?)") from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure on a hostile file is "corrupt"
        raise PhotoError(f"{name}: not a readable JPEG, PNG or WebP image "
                         f"({type(exc).__name__}: {str(exc)[:120]})") from None
