"""Find, check and name the image files that card text refers to (shipped as Anki media)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..model import MediaFile

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "load_image", "media_name"]

MAX_IMAGE_BYTES = 2 * 1024 * 1024
"""Largest image file a card may use: decks are downloaded to phones, often over mobile data."""

# The image types every Anki client shows, with the magic bytes that prove a file is one:
# a `.png` that is really HTML would otherwise ship as a media file.
IMAGE_TYPES: dict[str, tuple[bytes, ...]] = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "svg": (),
}

# SVG is allowed because cards only ever show media through <img>, and browsers run no script
# and load nothing external inside an image-context SVG. As a second line of defence (a learner
# may open the media file directly), SVGs with anything scriptable are rejected as well.
_SVG_ACTIVE = re.compile(
    rb"<\s*script|<\s*foreignObject|<[^>]*\son[a-z]+\s*=|javascript\s*:|<!ENTITY|<\s*iframe"
    rb"|<\s*embed|<\s*object", re.IGNORECASE)


def media_name(data: bytes, extension: str) -> str:
    """The name an image ships under: changes exactly when its bytes change."""
    return f"df-{hashlib.sha256(data).hexdigest()[:16]}.{extension.lower()}"


def _looks_like(data: bytes, extension: str) -> bool:
    if extension == "svg":
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        return head.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in data
    if extension == "webp":
        return data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    return data.startswith(IMAGE_TYPES[extension])


def load_image(src: str, card_file: Path, root: Path) -> tuple[MediaFile | None, str, str]:
    """Read the image ``src`` (as written in Markdown) of a card in ``card_file``.

    ``root`` is the deck or library folder the image must lie in. Returns the file, or
    ``None`` with a message and a hint saying what is wrong.
    """
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith(("/", "\\")):
        return None, f"image `{src}` is not a file in the deck folder", \
            "cards can only show images shipped with the deck: put the file next to the cards " \
            "and write a relative path such as images/diagram.png"
    if parts.query or parts.fragment:
        return None, f"image `{src}` has a ?query or #fragment", "write the plain file path"
    rel = unquote(parts.path)
    extension = rel.rsplit(".", 1)[-1].lower() if "." in Path(rel).name else ""
    if extension not in IMAGE_TYPES:
        return None, f"image `{rel}` is not a supported image type", \
            "use a .png, .jpg, .jpeg, .gif, .webp or .svg file"
    path = card_file.parent / rel
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None, f"image `{rel}` does not exist", f"looked for {path}"
    top = root.resolve()
    if top not in resolved.parents:
        return None, f"image `{rel}` is outside the folder `{root.name}`", \
            f"it resolves to {resolved}; copy the image into {root} (symbolic links that leave " \
            "the folder are not followed)"
    if not resolved.is_file():
        return None, f"image `{rel}` is not a file", f"looked for {path}"
    size = resolved.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, f"image `{rel}` is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}", \
            "shrink or compress it: learners download every image of the deck"
    try:
        data = resolved.read_bytes()
    except OSError as exc:
        return None, f"cannot read image `{rel}`: {exc.strerror}", ""
    if not _looks_like(data, extension):
        return None, f"image `{rel}` is not really a .{extension} file", \
            "re-export it from an image editor in the format its name says"
    if extension == "svg" and _SVG_ACTIVE.search(data):
        return None, f"image `{rel}` contains script, event handlers or embedded content", \
            "export a plain SVG (no <script>, on...= attributes, <foreignObject> or entities), " \
            "or use a PNG"
    return MediaFile(media_name(data, extension), data), "", ""
