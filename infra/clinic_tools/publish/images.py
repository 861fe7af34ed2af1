"""Pictures in content/images/: checked, measured, resized and named for /media/.

A picture is read once (its header and EXIF orientation: cheap) when the content
is loaded, so that a bad reference stops the publish before anything is uploaded,
and the article HTML can carry each copy's width and height. Resizing (Pillow) is
done only for copies the site bucket lacks: a copy's name is a hash of the source
picture's bytes and of how copies are made (`RECIPE`), so an unchanged picture keeps
its names, a new picture or recipe gets new ones, and every name can be cached for
a year. Copies are turned upright (EXIF orientation) and then lose all metadata:
EXIF (a phone's GPS location, the camera), XMP, comments and colour profiles
(colours are converted to sRGB first).
"""

from __future__ import annotations

import hashlib
import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from clinic_tools.publish.models import ImageSpec

MEDIA_PREFIX = "media/"
WIDTHS = (480, 960, 1600)  # phone, tablet or a wide column, a wide screen at 2x
YEAR_CACHE = "public, max-age=31536000, immutable"
# The article column is at most 70ch (theme.css --measure), about 48rem: 757 px measured at 1280.
SIZES = "(min-width: 52rem) 48rem, 100vw"
WEBP = "image/webp"
# Source formats: each is also written as itself, for browsers without WebP.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
_EXTENSIONS = {".jpg", ".jpeg", ".png"}
_EXTENSION_OF = {"image/jpeg": "jpg", "image/png": "png", WEBP: "webp"}
# Change when copies are made differently (sizes, quality): every name changes with it.
RECIPE = f"1;{WIDTHS};jpeg82;webp80;png-optimize-palette;srgb;no-metadata"
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is a mistake, not a web picture
_SRGB = ImageCms.createProfile("sRGB")


class PictureError(ValueError):
    """A reference names no usable picture; the message says what to do."""


@dataclass(frozen=True)
class Copy:
    key: str  # media/3f9c0a1b2c3d4e5f-960.webp
    width: int
    height: int
    media_type: str

    @property
    def url(self) -> str:
        return f"/{self.key}"


@dataclass(frozen=True)
class Picture:
    """A source picture, measured upright, with the copies a publish makes of it."""

    src: str  # path under content/images/
    path: Path
    digest: str
    format: str  # "JPEG" | "PNG"
    width: int  # after EXIF orientation
    height: int

    def copies(self, media_type: str) -> list[Copy]:
        """One copy per width, never wider than the source (no upscaling)."""
        widths = sorted({min(width, self.width) for width in WIDTHS})
        extension = _EXTENSION_OF[media_type]
        return [
            Copy(
                f"{MEDIA_PREFIX}{self.digest}-{width}.{extension}",
                width,
                max(1, round(self.height * width / self.width)),
                media_type,
            )
            for width in widths
        ]

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][0]

    def all_copies(self) -> list[Copy]:
        return [*self.copies(WEBP), *self.copies(self.media_type)]

    def image(self, alt: str) -> dict[str, object]:
        """The picture as the API serves it (the `Image` schema)."""
        largest = self.copies(self.media_type)[-1]
        return {
            "url": largest.url,
            "width": largest.width,
            "height": largest.height,
            "alt": alt,
            "sources": [
                {"type": media_type, "srcset": srcset(self.copies(media_type))}
                for media_type in (WEBP, self.media_type)
            ],
        }


def srcset(copies: Iterable[Copy]) -> str:
    return ", ".join(f"{copy.url} {copy.width}w" for copy in copies)


def picture_html(picture: Picture, alt: str, sizes: str = SIZES) -> str:
    """A `<picture>`: WebP for browsers that take it, else the original format; the
    width and height reserve the space before it loads; below the fold it waits."""
    image = picture.image(alt)
    largest = picture.copies(picture.media_type)[-1]
    esc = html.escape
    webp = srcset(picture.copies(WEBP))
    return (
        f'<picture><source type="{WEBP}" srcset="{esc(webp)}" sizes="{esc(sizes)}">'
        f'<img src="{esc(largest.url)}" srcset="{esc(srcset(picture.copies(picture.media_type)))}"'
        f' sizes="{esc(sizes)}" width="{image["width"]}" height="{image["height"]}"'
        f' alt="{esc(alt)}" loading="lazy" decoding="async"></picture>'
    )


def markdown_src(url: str) -> str | None:
    """`images/x.jpg` (from content/) or `../images/x.jpg` (from the article's folder,
    so that editors' previews show it) → `x.jpg`; anything else → None."""
    path = unquote(url)
    for prefix in ("images/", "../images/"):
        if path.startswith(prefix):
            return path.removeprefix(prefix)
    return None


class ShownPictures:
    """The pictures a compile shows, kept as it shows them: what goes to media/.

    `image` gives a front matter picture (`image:`, `photo:`) as the API serves it;
    `html` a Markdown image as its `<picture>`. Only what the published documents
    show is kept (a draft's pictures are checked, never uploaded).
    """

    def __init__(self, pictures: Mapping[str, Picture]) -> None:
        self.pictures = pictures  # every picture the loader read, by src
        self.shown: dict[str, Picture] = {}

    def image(self, spec: ImageSpec | None) -> dict[str, object] | None:
        """A feature picture or photo as published; None where the document names none."""
        if spec is None:
            return None
        return self._show(spec.src).image("" if spec.decorative else spec.alt or "")

    def html(self, url: str, alt: str) -> str:
        return picture_html(self._show(str(markdown_src(url))), alt)

    def _show(self, src: str) -> Picture:
        self.shown[src] = self.pictures[src]
        return self.shown[src]


class Pictures:
    """content/images/, each picture read once however often it is referenced."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.read: dict[str, Picture] = {}

    def get(self, src: str) -> Picture:
        """The picture at `src` (a path under content/images/); raises PictureError."""
        if src not in self.read:
            self.read[src] = read_picture(self.folder, src)
        return self.read[src]


def read_picture(folder: Path, src: str) -> Picture:
    path = _inside(folder, src)
    if not path.is_file():
        hint = f" (src is a path under images/: {src.removeprefix('images/')!r}?)"
        shown = f"content/images/{src}"
        raise PictureError(f"{shown} does not exist" + (hint if src.startswith("images/") else ""))
    body = path.read_bytes()
    try:
        with Image.open(io.BytesIO(body)) as image:
            kind = image.format or "?"
            if kind not in FORMATS:
                raise PictureError(
                    f"{src}: {kind} pictures are not supported: save it as JPEG or PNG"
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PictureError(
                    f"{src}: {width}x{height} is too large: scale it below 40 megapixels"
                )
            if _turned(image):
                width, height = height, width
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise PictureError(
            f"{src}: not a picture Pillow can read ({error.__class__.__name__})"
        ) from error
    digest = hashlib.sha256(body + RECIPE.encode()).hexdigest()[:16]
    return Picture(src, path, digest, kind, width, height)


def _inside(folder: Path, src: str) -> Path:
    """The file, refusing paths that leave content/images/ or are not JPEG or PNG names."""
    parts = PurePosixPath(src).parts
    if not parts or src.startswith("/") or "\\" in src or ".." in parts:
        raise PictureError(f"{src!r}: name a file under content/images/, e.g. treatment-room.jpg")
    if PurePosixPath(src).suffix.lower() not in _EXTENSIONS:
        raise PictureError(f"{src}: only JPEG (.jpg) and PNG (.png) pictures are supported")
    return folder.joinpath(*parts)


def _turned(image: Image.Image) -> bool:
    """Whether EXIF orientation turns the picture a quarter (5 to 8: width and height swap)."""
    return image.getexif().get(0x0112, 1) in {5, 6, 7, 8}


def render_copies(picture: Picture) -> dict[str, bytes]:
    """Every copy's bytes by key: upright, sRGB, resized with Lanczos, no metadata."""
    with Image.open(picture.path) as opened:
        palette = opened.mode == "P"  # a drawing of few colours: its PNG copies get a palette too
        upright = _clean(_in_srgb(ImageOps.exif_transpose(opened)), picture.format)
    copies: dict[str, bytes] = {}
    for media_type in (WEBP, picture.media_type):
        for copy in picture.copies(media_type):
            resized = upright.resize((copy.width, copy.height), Image.Resampling.LANCZOS)
            resized.info = {}  # resize copies info (exif, icc_profile, comments)
            if palette and media_type == "image/png":
                resized = _with_palette(resized)
            copies[copy.key] = _encode(resized, media_type)
    return copies


def _with_palette(image: Image.Image) -> Image.Image:
    """256 colours: resizing blends a drawing's few colours into thousands (a PNG 5x larger)."""
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    quantized = image.quantize(colors=256, method=method)
    quantized.info = {}
    return quantized


def _in_srgb(image: Image.Image) -> Image.Image:
    """Colours in sRGB, the web's default, so that the profile can be dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in {"RGB", "RGBA"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError):
        return image  # a broken profile: keep the pixels as they are
    return converted or image


def _clean(image: Image.Image, kind: str) -> Image.Image:
    """A mode every output format writes: JPEG has no alpha; palettes resize badly."""
    if image.mode == "I" or image.mode.startswith("I;16"):  # 16-bit grey: a scan, a chart
        # convert() would clip every value over 255 to white: scaled to 8 bits instead.
        wide = isinstance(high := image.getextrema()[1], int | float) and high > 255  # one band
        image = (image.point(lambda value: value / 256) if wide else image).convert("L")
    if kind == "JPEG":
        image = image if image.mode in {"RGB", "L"} else image.convert("RGB")
    elif image.mode not in {"RGB", "RGBA", "L", "LA"}:
        transparent = image.mode in {"P", "PA"} and "transparency" in image.info
        image = image.convert("RGBA" if transparent or "A" in image.mode else "RGB")
    image.load()
    image.info = {}
    return image


def _encode(image: Image.Image, media_type: str) -> bytes:
    out = io.BytesIO()
    if media_type == WEBP:
        image.save(out, "WEBP", quality=80, method=4)
    elif media_type == "image/jpeg":
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()
