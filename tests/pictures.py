"""Pictures the tests draw with Pillow (none is downloaded or committed).

`photo` is a JPEG as a phone writes one: EXIF with the camera, a GPS position and
an orientation, so the tests can see that copies are turned upright and lose it all.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

RED = (220, 30, 30)
BLUE = (30, 60, 200)
# Where the phone was: a clinic's patient could be photographed at home.
LATITUDE = ((45.0, 1.0), (31.0, 1.0), (12.0, 1.0))


def halves(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: which way a copy was turned shows in its pixels."""
    image = Image.new("RGB", (width, height), BLUE)
    ImageDraw.Draw(image).rectangle([0, 0, width // 2 - 1, height - 1], fill=RED)
    return image


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (122.0, 40.0, 30.0)
    return exif


def photo(path: Path, width: int = 2000, height: int = 1200, orientation: int = 1) -> Path:
    """A JPEG with a phone's EXIF (GPS, camera, orientation), stored `width` by `height`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    halves(width, height).save(path, "JPEG", quality=90, exif=phone_exif(orientation))
    return path


def drawing(path: Path, width: int = 800, height: int = 400) -> Path:
    """A PNG with transparency, as a diagram would be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([10, 10, width - 10, height - 10], fill=(10, 88, 102, 255))
    image.save(path, "PNG")
    return path


def gif(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 20), RED).save(path, "GIF")
    return path


def opened(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def flat_drawing(path: Path, width: int = 1200, height: int = 400) -> Path:
    """A PNG of a few flat colours in a palette, as a diagram tool saves one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    ImageDraw.Draw(image).rounded_rectangle([20, 20, width - 20, height - 20], 40, fill=BLUE)
    image.quantize(colors=8).save(path, "PNG")
    return path
