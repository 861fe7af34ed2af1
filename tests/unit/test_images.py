"""Pictures in content: checked by file and line, resized, named by hash, stripped of EXIF,
and shown in the article's HTML and JSON. Every picture is drawn here with Pillow."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from clinic_api.content.schemas import Article
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.images import MEDIA_PREFIX, Picture, read_picture, render_copies
from clinic_tools.publish.links import link_problems
from clinic_tools.publish.loader import ContentError, load_content
from clinic_tools.publish.markdown import parse_markdown, render_html
from tests.pictures import BLUE, RED, drawing, flat_drawing, gif, opened, photo
from tests.unit.small_clinic import BASE_URL, NOW, article, write_clinic

NAME = re.compile(r"^media/[0-9a-f]{16}-(\d+)\.(webp|jpg|png)$")


def clinic(tmp_path: Path, body: str, **front: Any) -> Path:
    """A clinic with one article ("the-article"); its pictures are drawn by the test."""
    return write_clinic(tmp_path / "content", {"the-article": article(body, **front)})


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(content)
    return [str(problem) for problem in raised.value.problems]


def the_article(content: Path) -> dict[str, Any]:
    return compile_site(load_content(content)).articles["the-article"]


# Copies: sizes, formats, names


def test_a_wide_photo_gets_three_widths_in_webp_and_jpeg_named_by_its_hash(tmp_path: Path) -> None:
    photo(tmp_path / "room.jpg", 2000, 1200)
    picture = read_picture(tmp_path, "room.jpg")
    copies = render_copies(picture)
    assert sorted(copies) == sorted(copy.key for copy in picture.all_copies())
    sizes = {}
    for key, body in copies.items():
        match = NAME.match(key)
        assert match, key
        image = opened(body)
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[match[2]]
        assert image.width == int(match[1])
        sizes[key.split("-")[-1]] = image.size
    assert sizes == {
        "480.webp": (480, 288), "960.webp": (960, 576), "1600.webp": (1600, 960),
        "480.jpg": (480, 288), "960.jpg": (960, 576), "1600.jpg": (1600, 960),
    }  # fmt: skip


def test_a_small_picture_is_never_made_larger(tmp_path: Path) -> None:
    drawing(tmp_path / "diagram.png", 700, 350)
    picture = read_picture(tmp_path, "diagram.png")
    assert [(c.width, c.height) for c in picture.copies("image/png")] == [(480, 240), (700, 350)]
    copies = render_copies(picture)
    assert {opened(body).size for body in copies.values()} == {(480, 240), (700, 350)}
    png = [body for key, body in copies.items() if key.endswith(".png")]
    assert all(opened(body).mode == "RGBA" for body in png)  # the transparency stays


def test_a_flat_drawing_keeps_a_palette_so_its_copies_stay_small(tmp_path: Path) -> None:
    source = flat_drawing(tmp_path / "steps.png")
    copies = render_copies(read_picture(tmp_path, "steps.png"))
    png = {key: body for key, body in copies.items() if key.endswith(".png")}
    assert all(opened(body).mode == "P" for body in png.values())
    assert max(len(body) for body in png.values()) < 2 * len(source.read_bytes()) + 2_000


def test_a_16_bit_grey_picture_keeps_its_greys(tmp_path: Path) -> None:
    """Pillow's convert() clipped every value over 255: the gradient came out white."""
    grey = Image.new("I;16", (600, 4))
    grey.putdata([round(x / 599 * 65535) for _ in range(4) for x in range(600)])
    grey.save(tmp_path / "scan.png", "PNG")
    for key, body in render_copies(read_picture(tmp_path, "scan.png")).items():
        image = opened(body).convert("L")
        grey = image.tobytes()[image.width : 2 * image.width]  # its second row, a byte a pixel
        row = [grey[round(at * (image.width - 1))] for at in (0, 0.25, 0.5, 1)]
        assert row[0] < 8 and 56 < row[1] < 72 and 120 < row[2] < 136 and row[3] > 247, (key, row)


def test_names_follow_the_bytes_not_the_file_name(tmp_path: Path) -> None:
    photo(tmp_path / "a.jpg", 600, 400)
    (tmp_path / "b.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())
    photo(tmp_path / "c.jpg", 600, 401)
    a, b, c = (read_picture(tmp_path, name) for name in ("a.jpg", "b.jpg", "c.jpg"))
    assert a.digest == b.digest != c.digest
    assert all(copy.key.startswith(f"{MEDIA_PREFIX}{a.digest}-") for copy in a.all_copies())


def test_copies_are_turned_upright_and_keep_no_exif_and_no_location(tmp_path: Path) -> None:
    # Stored 400 wide, 200 high; orientation 6: shown turned a quarter clockwise.
    source = photo(tmp_path / "phone.jpg", 400, 200, orientation=6)
    stored = opened(source.read_bytes()).getexif()
    assert stored.get_ifd(ExifTags.IFD.GPSInfo)  # the source has a location
    picture = read_picture(tmp_path, "phone.jpg")
    assert (picture.width, picture.height) == (200, 400)
    for key, body in render_copies(picture).items():
        image = opened(body)
        assert image.size == (200, 400), key
        exif = image.getexif()
        assert dict(exif) == {}, key
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), key
        assert "exif" not in image.info and b"Exif" not in body and b"PhoneMaker" not in body
        assert "icc_profile" not in image.info and "xmp" not in image.info
        # The red left half of the stored picture is the top once turned clockwise.
        top, bottom = (
            image.convert("RGB").getpixel((100, 40)),
            image.convert("RGB").getpixel((100, 360)),
        )
        assert _near(top, RED) and _near(bottom, BLUE), key


def _near(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


# Checks: by file and line


def test_a_missing_picture_names_the_markdown_file_and_line(tmp_path: Path) -> None:
    content = clinic(tmp_path, "First paragraph.\n\nSecond,\n![A room](images/missing.jpg).")
    (found,) = problems(content)
    # Front matter: lines 1-6 with its --- lines, a blank line, then the body.
    assert found == (
        f"{content}/articles/the-article.md:11: image: content/images/missing.jpg does not exist"
    )


def test_a_picture_without_alt_text_is_refused_by_line(tmp_path: Path) -> None:
    content = clinic(tmp_path, "Intro.\n\n![](images/room.jpg)")
    photo(content / "images" / "room.jpg", 300, 200)
    (found,) = problems(content)
    assert found.startswith(
        f"{content}/articles/the-article.md:10: image: images/room.jpg: alt text"
    )
    assert '![](images/room.jpg "decorative")' in found


def test_a_decorative_picture_has_an_empty_alt_and_no_title(tmp_path: Path) -> None:
    content = clinic(tmp_path, 'Intro.\n\n![](images/wave.png "decorative")')
    drawing(content / "images" / "wave.png")
    html = the_article(content)["html"]
    assert 'alt=""' in html and "title=" not in html and "decorative" not in html


def test_decorative_with_alt_text_and_other_titles_are_refused(tmp_path: Path) -> None:
    body = 'Intro.\n\n![A wave](images/wave.png "decorative")\n\n![A wave](images/wave.png "Hi")'
    content = clinic(tmp_path, body)
    drawing(content / "images" / "wave.png")
    found = problems(content)
    assert [line.split(": image: ")[0].rsplit(":", 1)[1] for line in found] == ["10", "12"]
    assert "decorative picture has no alt text" in found[0]
    assert "title is not shown" in found[1]


def test_pictures_come_from_content_images_only(tmp_path: Path) -> None:
    body = "![A](https://example.com/a.jpg)\n\n![B](../../etc/b.jpg)\n\n![C](images/../site.yaml)"
    content = clinic(tmp_path, body)
    found = problems(content)
    assert len(found) == 3
    assert "pictures come from content/images/" in found[0]
    assert "pictures come from content/images/" in found[1]
    assert "name a file under content/images/" in found[2]


def test_unsupported_formats_are_refused_clearly(tmp_path: Path) -> None:
    content = clinic(tmp_path, "![An icon](images/icon.gif)\n\n![A photo](images/fake.png)")
    gif(content / "images" / "icon.gif")
    gif(content / "images" / "fake.png")  # a GIF whatever its name says
    found = problems(content)
    assert "only JPEG (.jpg) and PNG (.png) pictures are supported" in found[0]
    assert "GIF pictures are not supported: save it as JPEG or PNG" in found[1]


def test_a_missing_feature_picture_names_the_front_matter_line(tmp_path: Path) -> None:
    content = clinic(tmp_path, "Text.", image={"src": "images/room.jpg", "alt": "A room"})
    (found,) = problems(content)
    assert found.startswith(f"{content}/articles/the-article.md:6: image.src: content/images/")
    assert "src is a path under images/: 'room.jpg'?" in found


def test_a_feature_picture_needs_alt_text_or_decorative(tmp_path: Path) -> None:
    content = clinic(tmp_path, "Text.", image={"src": "room.jpg"})
    photo(content / "images" / "room.jpg", 300, 200)
    (found,) = problems(content)
    assert "image: " in found and "describe the picture" in found


# The article: HTML and JSON


def test_an_inline_picture_is_a_picture_element_with_its_sizes_set(tmp_path: Path) -> None:
    content = clinic(tmp_path, "Intro.\n\n![A calm room](../images/room.jpg)")
    picture = read_picture(photo(content / "images" / "room.jpg", 2000, 1000).parent, "room.jpg")
    html = the_article(content)["html"]
    d = picture.digest
    webp = f"/media/{d}-480.webp 480w, /media/{d}-960.webp 960w, /media/{d}-1600.webp 1600w"
    jpeg = webp.replace(".webp", ".jpg")
    sizes = "(min-width: 52rem) 48rem, 100vw"
    assert (
        f'<p><picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img src="/media/{d}-1600.jpg" srcset="{jpeg}" sizes="{sizes}" width="1600"'
        ' height="800" alt="A calm room" loading="lazy" decoding="async"></picture></p>'
    ) in html


def test_a_link_to_a_shown_pictures_copy_leads_somewhere_and_to_another_does_not(
    tmp_path: Path,
) -> None:
    images = photo(tmp_path / "content" / "images" / "room.jpg", 2000, 1000).parent
    copy = read_picture(images, "room.jpg").all_copies()[0].key
    body = f"![A calm room](../images/room.jpg)\n\n[Full size](/{copy}), [old](/media/0-1.jpg)"
    loaded = load_content(clinic(tmp_path, body))

    found = [str(problem) for problem in link_problems(loaded, compile_site(loaded), NOW)]

    assert len(found) == 1 and "/media/0-1.jpg is no file of the site" in found[0], found


def test_the_sanitiser_lets_through_a_pictures_attributes_and_nothing_more() -> None:
    def hostile(src: str, alt: str) -> str:
        return (
            '<picture class="x" onclick="x()"><source type="image/webp" srcset="/a.webp 1w"'
            ' sizes="1px" media="print" onerror="x()"><img src="/a.jpg" srcset="/a.jpg 1w"'
            ' sizes="1px" width="1" height="1" alt="a" loading="lazy" decoding="async"'
            ' title="t" style="x" onerror="x()" usemap="#m"></picture><script>x()</script>'
        )

    md = parse_markdown(hostile)
    html = render_html(md, md.parse("![a](images/a.jpg)"))
    assert html == (
        '<p><picture><source type="image/webp" srcset="/a.webp 1w" sizes="1px">'
        '<img src="/a.jpg" srcset="/a.jpg 1w" sizes="1px" width="1" height="1" alt="a"'
        ' loading="lazy" decoding="async"></picture></p>\n'
    )


def test_the_feature_picture_is_the_articles_image_and_json_ld_image(tmp_path: Path) -> None:
    alt = "A calm treatment room"
    content = clinic(tmp_path, "Text.", image={"src": "rooms/calm.png", "alt": alt})
    drawing(content / "images" / "rooms" / "calm.png", 1000, 500)
    compiled = compile_site(load_content(content))
    document = compiled.articles["the-article"]
    picture: Picture = compiled.pictures["rooms/calm.png"]
    d = picture.digest
    srcset = (
        f"/media/{d}-480.{{ext}} 480w, /media/{d}-960.{{ext}} 960w, /media/{d}-1000.{{ext}} 1000w"
    )
    assert document["image"] == {
        "url": f"/media/{d}-1000.png",
        "width": 1000,
        "height": 500,
        "alt": alt,
        "sources": [
            {"type": "image/webp", "srcset": srcset.format(ext="webp")},
            {"type": "image/png", "srcset": srcset.format(ext="png")},
        ],
    }
    assert Article.model_validate(document).image is not None  # the served contract
    assert document["jsonLd"]["image"] == f"{BASE_URL}/media/{d}-1000.png"


def test_an_article_without_pictures_has_a_null_image_and_none_to_upload(tmp_path: Path) -> None:
    compiled = compile_site(load_content(clinic(tmp_path, "Text.")))
    assert compiled.articles["the-article"]["image"] is None
    assert "image" not in compiled.articles["the-article"]["jsonLd"]
    assert compiled.pictures == {}


def test_a_drafts_pictures_are_checked_but_not_published(tmp_path: Path) -> None:
    content = clinic(tmp_path, "![A room](images/room.jpg)", draft=True)
    photo(content / "images" / "room.jpg", 300, 200)
    compiled = compile_site(load_content(content))
    assert compiled.articles == {} and compiled.pictures == {}
    (content / "images" / "room.jpg").unlink()
    assert "does not exist" in problems(content)[0]


def test_the_openapi_document_describes_the_articles_image() -> None:
    from clinic_tools.openapi import build_openapi

    schemas = build_openapi()["components"]["schemas"]
    image = schemas["Article"]["properties"]["image"]
    assert {"$ref": "#/components/schemas/Image"} in image["anyOf"]
    assert set(schemas["Image"]["required"]) == {"url", "width", "height", "alt", "sources"}


def test_clinic_publish_stops_on_a_missing_picture_before_uploading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_tools.cli import main
    from clinic_tools.exit_codes import ExitCode

    content = clinic(tmp_path, "![A room](images/room.jpg)")
    code = main(["publish", "--content", str(content), "--bucket", "no-such-bucket"])
    assert code == ExitCode.INVALID_CONTENT
    # Front matter: lines 1-6 with its --- lines, a blank line, then the body.
    where = f"{content}/articles/the-article.md:8"
    assert f"{where}: image: content/images/room.jpg does not exist" in capsys.readouterr().err
