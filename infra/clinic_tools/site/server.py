"""The site on this machine, served as its CloudFront distribution serves it.

Per request: the template's path rules (clinic_tools.site.paths) pick the object
key, the object comes from the local site bucket, the distribution's response
headers policy is added, and a path no rule or no object answers gets the
distribution's error page (/404.html, status 404). One difference, on purpose:
the API is another origin locally (its own port), so the Content-Security-Policy
names it in connect-src and form-action, where deployed 'self' covers /api/.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import error_code
from clinic_tools.local.template import ErrorPage
from clinic_tools.site.paths import PathRules

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


# The directives through which the page reaches the API: fetch() and the form's action.
API_DIRECTIVES = ("connect-src", "form-action")
# S3 answers 403 for a missing key when the reader may not list the bucket, as the
# distribution's may not; the error pages are keyed by that status.
MISSING_STATUS = 403

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Log = Callable[[str, str, int, float], None]

_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 405: "Method Not Allowed"}


def with_api_origin(csp: str, api_origin: str) -> str:
    """The policy with `api_origin` added to connect-src and form-action."""
    directives = []
    for directive in (part.strip() for part in csp.split(";")):
        name, *sources = directive.split()
        if name in API_DIRECTIVES and api_origin not in sources:
            sources.append(api_origin)
        directives.append(" ".join([name, *sources]))
    return "; ".join(directives)


def local_headers(policy: Mapping[str, str], api_origin: str) -> dict[str, str]:
    """The response headers policy's headers, with the local API origin in the CSP."""
    headers = dict(policy)
    if "Content-Security-Policy" in headers:
        headers["Content-Security-Policy"] = with_api_origin(
            headers["Content-Security-Policy"], api_origin
        )
    return headers


@dataclass(frozen=True)
class _Object:
    body: bytes
    headers: list[tuple[str, str]]
    etag: str | None


class SiteServer:
    """A WSGI application: GET and HEAD of the site bucket through the path rules."""

    def __init__(
        self,
        rules: PathRules,
        s3: S3Client,
        bucket: str,
        headers: Mapping[str, str],
        error_pages: Mapping[int, ErrorPage],
        log: Log | None = None,
    ) -> None:
        self.rules, self.s3, self.bucket = rules, s3, bucket
        self.headers = dict(headers)
        self.error_pages = dict(error_pages)
        self.log = log

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method, uri = environ["REQUEST_METHOD"], request_uri(environ)
        status, headers, body = self._answer(method, uri, environ.get("HTTP_IF_NONE_MATCH"))
        start_response(f"{status} {_REASONS.get(status, '')}".strip(), headers)
        if self.log is not None:
            self.log(method, uri, status, (time.perf_counter() - started) * 1000)
        return [] if method == "HEAD" else [body]

    def _answer(
        self, method: str, uri: str, if_none_match: str | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if method not in {"GET", "HEAD"}:  # the site's behavior allows GET and HEAD only
            return 405, [("Allow", "GET, HEAD"), *self._policy()], b""
        key = self.rules.resolve(uri)
        found = self._get(key) if key is not None else None
        if found is None:
            return self._error(MISSING_STATUS)
        if _matches(found.etag, if_none_match):
            headers = [(name, value) for name, value in found.headers if name != "Content-Length"]
            return 304, [*headers, *self._policy()], b""
        return 200, [*found.headers, *self._policy()], found.body

    def _error(self, origin_status: int) -> tuple[int, list[tuple[str, str]], bytes]:
        """The distribution's custom error response for what the origin answered."""
        page = self.error_pages.get(origin_status)
        found = self._get(page.page) if page is not None else None
        if page is None or found is None:
            body = b"Not Found\n"
            plain = [("Content-Type", "text/plain; charset=utf-8")]
            return 404, [*plain, ("Content-Length", str(len(body))), *self._policy()], body
        return page.status, [*found.headers, *self._policy()], found.body

    def _get(self, key: str) -> _Object | None:
        try:
            answer = self.s3.get_object(Bucket=self.bucket, Key=key.removeprefix("/"))
        except ClientError as error:
            if error_code(error) in {"NoSuchKey", "404", "403"}:
                return None
            raise
        body = answer["Body"].read()
        headers = [
            ("Content-Type", answer.get("ContentType", "application/octet-stream")),
            ("Content-Length", str(len(body))),
        ]
        etag = answer.get("ETag")
        if etag:
            headers.append(("ETag", etag))
        if answer.get("CacheControl"):
            headers.append(("Cache-Control", answer["CacheControl"]))
        if answer.get("LastModified"):
            stamp = answer["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")
            headers.append(("Last-Modified", stamp))
        return _Object(body, headers, etag)

    def _policy(self) -> list[tuple[str, str]]:
        return list(self.headers.items())


def _matches(etag: str | None, if_none_match: str | None) -> bool:
    """Whether the browser's cached copy is current (If-None-Match names this ETag, or *)."""
    if etag is None or not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def request_uri(environ: dict[str, Any]) -> str:
    """The path as the browser sent it (still percent-encoded), as CloudFront sees `uri`."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0].split("#", 1)[0]
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    return quote(path, safe="/~-._!$&'()*+,;=:@")
