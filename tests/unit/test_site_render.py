"""The site as render_site writes it for the bucket: settings filled in, safe, complete, small.

Fixture settings only (never content/): values with <, & and quotes show that
every one is escaped where it lands.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from clinic_api.appointments.schemas import AppointmentRequest
from clinic_tools.site.render import (
    MARKERS,
    RenderedFile,
    SiteSettingsError,
    StaffSignIn,
    content_type,
    render_site,
    rendered_keys,
)
from clinic_tools.site.upload import site_settings
from tests.unit import small_clinic

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = ROOT / "site"
API_BASE = "http://127.0.0.1:3000"
PAGES = (
    "index.html",
    "article.html",
    "search.html",
    "request-appointment.html",
    "thank-you.html",
    "form-error.html",
    "404.html",
    "page.html",  # /pages/{slug}
    "team.html",  # /providers
    "provider.html",  # /providers/{slug}
)
STAFF_PAGE = "staff/index.html"  # the inbox: its own header, no search box, no footer
ALL_PAGES = (*PAGES, STAFF_PAGE)
PAGE_BUDGET_BYTES = 60_000  # one page's HTML + the CSS and JS it loads, uncompressed
HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"


def settings(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": 'Bayside <Mind> & "Mood" Clinic',
        "baseUrl": "https://www.bayside.example/",
        "contact": {
            "phone": "+1 206-555-0100",
            "email": "front.desk@bayside.example",
            "address": "1 Harbor Way <Suite 2>",
            "hours": "Mon-Fri 9-5",
        },
        "phoneRegion": "US",
        "cta": {"label": "Ask for a visit", "href": "/request-appointment"},
        "services": [
            {"id": "evaluation", "label": "Evaluation <first visit>"},
            {"id": "follow-up", "label": "Follow-up & medication"},
        ],
        "consentVersion": "2026-01-01",
        "consentText": f"You may contact me. {HOSTILE}",
        "emergencyNotice": "Not for emergencies: call 988 & 911.",
        "searchPrompt": "Search <our> articles",
        "pages": [
            {"slug": "about", "title": "About <us>", "url": "/pages/about"},
            {"slug": "Bad Slug", "title": "Never linked", "url": "/pages/x"},
            {"slug": "services", "title": "Services & fees", "url": "/pages/services"},
        ],
        "providers": [
            {"slug": "dr-ann-lee", "name": "Ann <Lee>", "credentials": "MD & PhD"},
        ],
    }
    return {**base, **changes}


@pytest.fixture(scope="module")
def rendered() -> dict[str, RenderedFile]:
    return render_site(SITE_DIR, settings(), API_BASE)


# A small DOM from html.parser, enough to ask the questions below.
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, match: Callable[[Node], bool]) -> list[Node]:
        return [node for node in self.walk() if match(node)]

    def find(self, match: Callable[[Node], bool]) -> Node:
        found = self.find_all(match)
        assert found, "no such element"
        return found[0]

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(file: RenderedFile) -> Node:
    builder = TreeBuilder()
    builder.feed(file.body.decode("utf-8"))
    builder.close()
    assert builder.stack == [builder.root], "an element is left open"
    return builder.root


def by_id(ident: str) -> Callable[[Node], bool]:
    return lambda node: node.attrs.get("id") == ident


def squash(text: str) -> str:
    return " ".join(text.split())


# Every page, and what comes with it


def test_every_page_and_asset_is_rendered_with_the_config(rendered):
    assert set(PAGES) <= set(rendered)
    assert {"assets/css/theme.css", "assets/css/site.css", "assets/js/api.js"} <= set(rendered)
    assert json.loads(rendered["config.json"].body) == {"apiBase": API_BASE}


def test_config_json_tells_the_inbox_page_where_staff_sign_in():
    staff = StaffSignIn.for_pool("eu-west-1_Ab12Cd", "client123")
    config = json.loads(render_site(SITE_DIR, settings(), "/api", staff)["config.json"].body)
    assert config == {
        "apiBase": "/api",
        "staff": {
            "cognitoEndpoint": "https://cognito-idp.eu-west-1.amazonaws.com/",
            "clientId": "client123",
            "region": "eu-west-1",
        },
    }


def test_a_sitemap_line_goes_into_robots_txt_from_the_base_url(rendered):
    robots = rendered["robots.txt"].body.decode()
    assert "Sitemap: https://www.bayside.example/sitemap.xml" in robots


def test_content_types_follow_the_extension_with_utf8_for_text(rendered):
    assert rendered["index.html"].content_type == "text/html; charset=utf-8"
    assert rendered["assets/js/api.js"].content_type == "text/javascript; charset=utf-8"
    assert rendered["assets/css/theme.css"].content_type == "text/css; charset=utf-8"
    assert rendered["config.json"].content_type == "application/json; charset=utf-8"
    assert content_type("assets/favicon.svg") == "image/svg+xml; charset=utf-8"
    assert content_type("photo.PNG") == "image/png"
    assert content_type("forms/intake.pdf") == "application/pdf"
    assert content_type("data.bin") == "application/octet-stream"


@pytest.mark.parametrize("base_url", ["https://www.bayside.example/", None])
def test_rendered_keys_names_exactly_what_render_site_renders(base_url):
    """`clinic check` reads the keys without rendering, to check links to the site's files."""
    rendered = render_site(SITE_DIR, settings(baseUrl=base_url), API_BASE)
    assert rendered_keys(SITE_DIR, base_url) == set(rendered)


def test_hidden_files_are_not_rendered(tmp_path):
    (tmp_path / "index.html").write_text("<p>{{name}}</p>")
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "page.html").write_text("<p>{{nope}}</p>")
    assert set(render_site(tmp_path, settings(), API_BASE)) == {
        "index.html",
        "config.json",
        "robots.txt",
    }


# Markers


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_marker_is_left_in_a_page(rendered, page):
    assert "{{" not in rendered[page].body.decode()


def test_every_marker_the_renderer_knows_is_used_by_some_page():
    sources = "".join(path.read_text(encoding="utf-8") for path in SITE_DIR.rglob("*.html"))
    assert {name for name in MARKERS if "{{" + name + "}}" not in sources} == set()


def test_a_page_naming_an_unknown_marker_is_refused(tmp_path):
    (tmp_path / "index.html").write_text("<p>{{clinicMotto}}</p>")
    with pytest.raises(SiteSettingsError, match="clinicMotto"):
        render_site(tmp_path, settings(), API_BASE)


@pytest.mark.parametrize("missing", ["name", "consentText", "emergencyNotice", "services"])
def test_settings_without_what_the_pages_need_are_refused(missing):
    incomplete = settings()
    del incomplete[missing]
    with pytest.raises(SiteSettingsError, match=missing):
        render_site(SITE_DIR, incomplete, API_BASE)


def test_the_search_prompt_defaults_when_the_settings_have_none():
    page = render_site(SITE_DIR, settings(searchPrompt=None), API_BASE)["index.html"]
    search = parse(page).find(by_id("site-search"))
    assert search.attrs["placeholder"] == "What would you like to find?"


# One header and one footer, written once in site/partials/


def _partial(rendered: dict[str, RenderedFile], page: str, tag: str) -> str:
    body = rendered[page].body.decode()
    start = body.index('<a class="skip-link"') if tag == "header" else body.index(f"<{tag}")
    return body[start : body.index(f"</{tag}>") + len(tag) + 3]


def test_the_partials_are_put_into_the_pages_and_not_uploaded_themselves(rendered):
    assert not [key for key in rendered if key.startswith("partials/")]
    for tag in ("header", "footer"):
        copies = (_partial(rendered, page, tag) for page in PAGES)
        shared = {copy.replace(' aria-current="page"', "") for copy in copies}
        assert len(shared) == 1, tag
    assert "data-nav" not in "".join(rendered[page].body.decode() for page in PAGES)


@pytest.mark.parametrize(
    ("page", "current"),
    [("index.html", "/"), ("request-appointment.html", "/request-appointment"), ("404.html", None)],
)
def test_the_header_marks_the_link_to_the_page_it_is_on(rendered, page, current):
    links = parse(rendered[page]).find_all(lambda n: n.attrs.get("aria-current") == "page")
    assert [link.attrs["href"] for link in links] == ([current] if current else [])


def test_a_change_to_a_partial_reaches_every_page(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "footer.html").write_text("<footer>{{name}} &copy;</footer>\n")
    (tmp_path / "index.html").write_text("<main></main>\n{{> footer}}\n")
    (tmp_path / "search.html").write_text("{{> footer}}")
    files = render_site(tmp_path, settings(), API_BASE)
    name = "Bayside &lt;Mind&gt; &amp; &quot;Mood&quot; Clinic"
    assert files["index.html"].body.decode() == f"<main></main>\n<footer>{name} &copy;</footer>\n"
    assert files["search.html"].body.decode() == files["index.html"].body.decode()[14:-1]


@pytest.mark.parametrize(
    ("page", "error"), [("{{> sidebar}}", "sidebar"), ("{{> header contact}}", "contact")]
)
def test_an_unknown_partial_or_link_is_refused(tmp_path, page, error):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "header.html").write_text('<a href="/" data-nav="home">x</a>')
    (tmp_path / "index.html").write_text(page)
    with pytest.raises(SiteSettingsError, match=error):
        render_site(tmp_path, settings(), API_BASE)


# Values are text, escaped where they land


@pytest.mark.parametrize("page", PAGES)
def test_the_settings_land_as_text_in_every_page(rendered, page):
    body = rendered[page].body.decode()
    assert "<Mind>" not in body and "<our>" not in body and "<Suite 2>" not in body
    doc = parse(rendered[page])
    assert doc.find(lambda n: n.attrs.get("class") == "brand").text() == settings()["name"]
    notice = doc.find(lambda n: n.attrs.get("data-site") == "emergencyNotice")
    assert notice.text() == "Not for emergencies: call 988 & 911."
    contact = squash(doc.find(lambda n: n.attrs.get("data-site") == "contact").text())
    assert "1 Harbor Way <Suite 2>" in contact and "front.desk@bayside.example" in contact
    phone_links = doc.find_all(lambda n: n.attrs.get("href", "").startswith("tel:"))
    assert {link.attrs["href"] for link in phone_links} == {"tel:+12065550100"}


def test_the_consent_text_is_the_settings_text_and_no_script(rendered):
    doc = parse(rendered["request-appointment.html"])
    label = doc.find(lambda n: n.tag == "label" and n.attrs.get("for") == "consent")
    assert label.text() == settings()["consentText"]
    assert not doc.find_all(lambda n: n.tag == "script" and "src" not in n.attrs)


def test_services_become_the_options_of_the_service_select(rendered):
    select = parse(rendered["request-appointment.html"]).find(by_id("service"))
    options = [(o.attrs["value"], o.text()) for o in select.find_all(lambda n: n.tag == "option")]
    assert options == [
        ("", "Choose a service"),
        ("evaluation", "Evaluation <first visit>"),
        ("follow-up", "Follow-up & medication"),
    ]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "//evil.example/x", "data:text/html,x"])
def test_an_unsafe_call_to_action_link_falls_back_to_the_form(href):
    cta = {"label": "Go", "href": href}
    page = render_site(SITE_DIR, settings(cta=cta), API_BASE)["index.html"]
    links = parse(page).find_all(lambda n: n.attrs.get("data-site") == "cta")
    assert links and {link.attrs["href"] for link in links} == {"/request-appointment"}


# The request form without JavaScript


@pytest.mark.parametrize(
    ("api_base", "action"),
    [
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000/appointments"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000/appointments"),
        ("/api", "/api/appointments"),
    ],
)
def test_the_form_posts_to_the_apis_appointments_route(api_base, action):
    page = render_site(SITE_DIR, settings(), api_base)["request-appointment.html"]
    form = parse(page).find(by_id("request-form"))
    assert (form.attrs["action"], form.attrs["method"]) == (action, "post")
    assert "enctype" not in form.attrs  # urlencoded, the API's form media type


def _request_form(rendered: dict[str, RenderedFile]) -> Node:
    return parse(rendered["request-appointment.html"]).find(by_id("request-form"))


def _controls(form: Node) -> list[Node]:
    return form.find_all(lambda n: n.tag in ("input", "select", "textarea") and "name" in n.attrs)


def test_the_form_has_every_field_of_the_api_by_its_name(rendered):
    names = {control.attrs["name"] for control in _controls(_request_form(rendered))}
    api_fields = {info.alias for info in AppointmentRequest.model_fields.values()}
    assert names == api_fields


def _choices(schema: dict[str, Any]) -> set[str]:
    if "enum" in schema:
        return set(schema["enum"])
    if "items" in schema:
        return _choices(schema["items"])
    return set().union(*(_choices(option) for option in schema.get("anyOf", [])))


@pytest.mark.parametrize(
    "name",
    [
        "patientStatus",
        "preferredContact",
        "visitFormat",
        "payment",
        "preferredDays",
        "preferredTimes",
    ],
)
def test_each_choice_offered_is_one_the_api_accepts(rendered, name):
    schema = AppointmentRequest.model_json_schema(by_alias=True)["properties"][name]
    offered = {
        control.attrs["value"]
        for control in _controls(_request_form(rendered))
        if control.attrs["name"] == name
    }
    assert offered == _choices(schema)


def test_checkboxes_send_on_and_required_fields_are_marked(rendered):
    controls = _controls(_request_form(rendered))
    for name in ("okToText", "okToLeaveVoicemail", "consent"):
        (box,) = [c for c in controls if c.attrs["name"] == name]
        assert (box.attrs["type"], box.attrs["value"]) == ("checkbox", "on")
    required = {c.attrs["name"] for c in controls if "required" in c.attrs}
    assert required == {
        "patientStatus",
        "firstName",
        "lastName",
        "preferredContact",
        "service",
        "consent",
    }


def test_the_honeypot_is_hidden_from_people_and_screen_readers(rendered):
    form = _request_form(rendered)
    trap = form.find(lambda n: n.attrs.get("aria-hidden") == "true")
    (field,) = trap.find_all(lambda n: n.attrs.get("name") == "website")
    assert field.attrs["tabindex"] == "-1" and field.attrs["autocomplete"] == "off"
    assert "trap" in trap.attrs["class"].split()
    css = rendered["assets/css/form.css"].body.decode()
    rule = re.search(r"\.trap\s*\{([^}]*)\}", css)
    assert rule and "left: -10000px" in rule.group(1) and "display: none" not in rule.group(1)


def test_every_label_names_a_field_and_ids_are_unique(rendered):
    for page in ALL_PAGES:
        doc = parse(rendered[page])
        ids = [node.attrs["id"] for node in doc.walk() if "id" in node.attrs]
        assert len(ids) == len(set(ids)), page
        for label in doc.find_all(lambda n: n.tag == "label" and "for" in n.attrs):
            assert label.attrs["for"] in ids, f"{page}: label for {label.attrs['for']}"


# What every page shares


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_the_landmarks_skip_link_and_search_box(rendered, page):
    doc = parse(rendered[page])
    assert doc.find(lambda n: n.tag == "html").attrs["lang"] == "en"
    assert doc.find(lambda n: n.tag == "a").attrs["href"] == "#main"  # the first link
    assert doc.find(lambda n: n.tag == "main").attrs["id"] == "main"
    assert doc.find_all(lambda n: n.tag == "header") and doc.find_all(lambda n: n.tag == "footer")
    search = doc.find(by_id("site-search"))
    assert search.attrs["type"] == "search" and search.attrs["name"] == "q"
    label = doc.find(lambda n: n.tag == "label" and n.attrs.get("for") == "site-search")
    assert label.text() == search.attrs["placeholder"] == "Search <our> articles"
    assert doc.find(lambda n: n.attrs.get("role") == "search").attrs["action"] == "/search"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_links_the_theme_then_the_layout_css(rendered, page):
    """theme.css first: the clinic's one file of custom properties, read by all the rest."""
    sheets = [
        node.attrs["href"]
        for node in parse(rendered[page]).walk()
        if node.tag == "link" and node.attrs.get("rel") == "stylesheet"
    ]
    assert sheets[:3] == ["/assets/css/theme.css", "/assets/css/site.css", "/assets/css/public.css"]
    assert all(f"assets/css/{name}" in rendered for name in ("content.css", "form.css"))
    assert set(sheets[3:]) <= {"/assets/css/content.css", "/assets/css/form.css"}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_class_a_page_uses_is_styled_by_the_css_it_loads(rendered, page):
    """Moving rules between sheets cannot leave a page's skip link or layout unstyled."""
    doc = parse(rendered[page])
    sheets = [n.attrs["href"].lstrip("/") for n in doc.walk() if n.attrs.get("rel") == "stylesheet"]
    css = "".join(rendered[key].body.decode() for key in sheets)
    styled = set(re.findall(r"\.([a-zA-Z][\w-]*)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)))
    used = {name for node in doc.walk() for name in node.attrs.get("class", "").split()}
    for script in doc.find_all(lambda n: n.tag == "script" and "src" in n.attrs):
        for key in _module_graph(rendered, script.attrs["src"].lstrip("/")):
            for names in re.findall(r"class: '([^']+)'", rendered[key].body.decode()):
                used |= set(names.split())
    assert used - styled == set()


def test_only_the_theme_sets_colours():
    """A clinic restyles in theme.css: the other sheets use its custom properties."""
    colour = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(")
    sheets = (SITE_DIR / "assets" / "css").glob("*.css")
    assert {path.name for path in sheets if colour.search(path.read_text())} == {"theme.css"}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_page_has_inline_script_style_or_handlers(rendered, page):
    """The CSP allows scripts and styles from 'self' only."""
    doc = parse(rendered[page])
    assert not doc.find_all(lambda n: n.tag == "style")
    for node in doc.walk():
        assert "style" not in node.attrs, f"{page}: style= on <{node.tag}>"
        assert not [name for name in node.attrs if name.startswith("on")], page
        assert not node.attrs.get("href", "").lower().startswith("javascript:"), page
    for script in doc.find_all(lambda n: n.tag == "script"):
        assert script.attrs.get("type") == "module" and script.attrs["src"].startswith(
            "/assets/js/"
        )
        assert not script.text().strip()


# Small: every page with its CSS and JS under the budget


def _module_graph(rendered: dict[str, RenderedFile], entry: str) -> set[str]:
    """The JS files a module loads, following its static `import ... from './x.js'`s."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        source = rendered[key].body.decode()
        folder = key.rsplit("/", 1)[0]
        todo += [f"{folder}/{name}" for name in re.findall(r"from '\./([\w.-]+\.js)'", source)]
    return seen


def page_weight(rendered: dict[str, RenderedFile], page: str) -> int:
    doc = parse(rendered[page])
    assets = {
        node.attrs["href"].lstrip("/")
        for node in doc.walk()
        if node.tag == "link" and node.attrs.get("rel") == "stylesheet"
    }
    for script in doc.find_all(lambda n: n.tag == "script" and "src" in n.attrs):
        assets |= _module_graph(rendered, script.attrs["src"].lstrip("/"))
    return len(rendered[page].body) + sum(len(rendered[key].body) for key in assets)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_page_with_its_css_and_js_stays_under_the_budget(rendered, page):
    assert page_weight(rendered, page) < PAGE_BUDGET_BYTES


def test_the_staff_page_is_kept_out_of_search_engines_and_loads_its_own_sheet(rendered):
    doc = parse(rendered[STAFF_PAGE])
    robots = doc.find(lambda n: n.tag == "meta" and n.attrs.get("name") == "robots")
    assert robots.attrs["content"] == "noindex, nofollow"
    sheets = [n.attrs["href"] for n in doc.walk() if n.attrs.get("rel") == "stylesheet"]
    assert sheets == [
        "/assets/css/theme.css",
        "/assets/css/site.css",
        "/assets/css/staff.css",
    ]
    assert doc.find(lambda n: n.tag == "main").attrs["id"] == "main"
    assert doc.find(lambda n: n.tag == "a").attrs["href"] == "#main"
    assert "staff" not in rendered["robots.txt"].body.decode()


def test_the_staff_page_has_a_field_for_every_sign_in_step(rendered):
    doc = parse(rendered[STAFF_PAGE])
    inputs = {n.attrs["id"]: n.attrs for n in doc.walk() if n.tag == "input"}
    assert inputs["email"]["autocomplete"] == "username"
    assert inputs["password"]["autocomplete"] == "current-password"
    assert inputs["new-password"]["autocomplete"] == "new-password"
    for code in ("code", "setup-code"):
        assert inputs[code]["autocomplete"] == "one-time-code"
        assert inputs[code]["inputmode"] == "numeric"


def test_the_staff_scripts_send_the_id_token_and_keep_tokens_in_memory():
    scripts = _scripts()
    assert "Authorization: `Bearer ${await this.session.idToken()}`" in scripts["staff-api.js"]
    assert "'If-Match'" in scripts["staff-api.js"]
    auth = scripts["staff-auth.js"]
    for action in ("InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken",
                   "VerifySoftwareToken", "RevokeToken", "REFRESH_TOKEN_AUTH"):  # fmt: skip
        assert f"'{action}'" in auth, action
    assert "'application/x-amz-json-1.1'" in auth and "IDLE_LIMIT_MS = 15 * 60 * 1000" in auth


def test_the_module_graph_follows_imports(rendered):
    graph = _module_graph(rendered, "assets/js/request.js")
    assert {"assets/js/api.js", "assets/js/dom.js", "assets/js/layout.js"} <= graph


# What the scripts may not do with what people type or what the API sends


def _scripts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in SITE_DIR.rglob("*.js")}


def test_only_the_apis_sanitised_html_is_inserted_as_html():
    uses = {
        name: re.findall(r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write", source)
        for name, source in _scripts().items()
    }
    sanitised = {  # the script, and the one field of the API's answer it inserts
        "article.js": "innerHTML = article.html;",  # an article's Markdown, through nh3
        "clinic-page.js": "innerHTML = page.html;",  # a page's
        "provider.js": "innerHTML = provider.bioHtml ?? '';",  # a provider's bio
    }
    assert {name: found for name, found in uses.items() if found} == {
        name: ["innerHTML"] for name in sanitised
    }
    for name, line in sanitised.items():
        assert line in _scripts()[name], name


def test_no_script_logs_stores_or_reports_anything():
    forbidden = re.compile(r"\bconsole\.|localStorage|sessionStorage|sendBeacon|document\.cookie")
    assert {name for name, source in _scripts().items() if forbidden.search(source)} == set()


# Navigation and the form's providers, from site.json's pages and providers


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_navigation_pages_in_order_and_the_team(rendered, page):
    html = rendered[page].body.decode()
    about = '<li data-page="about"><a href="/pages/about">About &lt;us&gt;</a></li>'
    services = '<li data-page="services"><a href="/pages/services">Services &amp; fees</a></li>'
    assert about in html and services in html
    assert html.index(about) < html.index(services) < html.index('href="/providers"')
    assert "Never linked" not in html  # not a slug: no link to make


def test_the_team_link_is_current_on_the_team_and_provider_pages(rendered):
    for page in ("team.html", "provider.html"):
        assert (
            '<a href="/providers" aria-current="page">Our team</a>' in rendered[page].body.decode()
        )
    assert 'aria-current="page">Our team' not in rendered["index.html"].body.decode()


def test_the_form_offers_the_providers_who_see_patients_as_an_optional_choice(rendered):
    html = rendered["request-appointment.html"].body.decode()
    assert '<select id="provider" name="provider" data-site="providers">' in html
    assert '<option value="">No preference</option>' in html
    assert '<option value="dr-ann-lee">Ann &lt;Lee&gt;, MD &amp; PhD</option>' in html


def test_a_site_without_pages_or_providers_renders_without_them():
    files = render_site(SITE_DIR, settings(pages=[], providers=[]), API_BASE)
    html = files["request-appointment.html"].body.decode()
    assert "data-page=" not in html
    assert '<option value="">No preference</option>\n\n' in html  # only the empty choice


def test_a_page_not_due_yet_is_in_no_header_until_it_is(tmp_path: Path) -> None:
    """GET /site hides a scheduled page until it is due; the pages rendered from the same
    settings did not, so every header linked to a 404 for anyone without scripts."""
    content = small_clinic.write_clinic(tmp_path / "content", {"one": small_clinic.article()})
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text(small_clinic.page(nav=1), encoding="utf-8")
    offer = small_clinic.page(
        nav=2, navTitle="New suite", publishAt=dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    )
    (content / "pages" / "new-suite.md").write_text(offer, encoding="utf-8")
    for now, shown in [
        (dt.datetime(2027, 2, 1, 8, 59, tzinfo=dt.UTC), ["about"]),
        (dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), ["about", "new-suite"]),
    ]:
        settings = site_settings(content, now)
        assert [nav["slug"] for nav in settings["pages"]] == shown
        html = render_site(SITE_DIR, settings, API_BASE)["index.html"].body.decode()
        assert ('data-page="new-suite"' in html) == ("new-suite" in shown)
