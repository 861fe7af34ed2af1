"""The site on this machine, served as its CloudFront distribution serves it.

Per request: the template's path rules (clinic_tools.site.paths) pick the object
key (a path no rule knows: the 404 page), the object comes from the local site
bucket, its `status` metadata gives the 404 page its status (as SiteStatusFunction
does), and the response headers policy of the behavior taking the path is added
(/staff* has its own). A missing object is a plain 404, as S3's. One difference,
on purpose: the API is another origin locally (its own port), so the
Content-Security-Policy names it in connect-src and form-action, where deployed
'self' covers /api/; and the staff page reaches the local Cognito (moto) where
deployed it reaches cognito-idp.{region}.amazonaws.com.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from clinic_api.core.aws_errors import error_code
from clinic_tools.site.paths import PathRules
from clinic_tools.site.upload import STATUS_METADATA

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


# The directives through which the page reaches the API: fetch() and the form's action.
API_DIRECTIVES = ("connect-src", "form-action")
# A deployed CSP source that stands for Cognito's API, which moto serves locally.
COGNITO_SOURCE = "https://cognito-idp."

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Log = Callable[[str, str, int, float], None]
# The response headers policy's headers for a path (each behavior has its own).
Policies = Callable[[str], Mapping[str, str]]

_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 405: "Method Not Allowed"}


def with_api_origin(csp: str, api_origin: str, aws_origin: str | None = None) -> str:
    """The policy with `api_origin` added to connect-src and form-action, and
    `aws_origin` (the local moto) to a connect-src that names Cognito."""
    directives = []
    for directive in (part.strip() for part in csp.split(";")):
        name, *sources = directive.split()
        added = [api_origin] if name in API_DIRECTIVES else []
        if aws_origin and name == "connect-src" and _names_cognito(sources):
            added.append(aws_origin)
        sources += [source for source in dict.fromkeys(added) if source not in sources]
        directives.append(" ".join([name, *sources]))
    return "; ".join(directives)


def _names_cognito(sources: list[str]) -> bool:
    return any(source.startswith(COGNITO_SOURCE) for source in sources)


def local_headers(
    policy: Mapping[str, str], api_origin: str, aws_origin: str | None = None
) -> dict[str, str]:
    """The response headers policy's headers, with the local origins in the CSP."""
    headers = dict(policy)
    if "Content-Security-Policy" in headers:
        headers["Content-Security-Policy"] = with_api_origin(
            headers["Content-Security-Policy"], api_origin, aws_origin
        )
    return headers


@dataclass(frozen=True)
class _Object:
    body: bytes
    headers: list[tuple[str, str]]
    etag: str | None
    status: int = 200


class SiteServer:
    """A WSGI application: GET and HEAD of the site bucket through the path rules."""

    def __init__(
        self,
        rules: PathRules,
        s3: S3Client,
        bucket: str,
        policies: Policies,
        log: Log | None = None,
    ) -> None:
        self.rules, self.s3, self.bucket = rules, s3, bucket
        self.policies = policies
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
        policy = self.policies(uri)
        if method not in {"GET", "HEAD"}:  # the site's behaviors allow GET and HEAD only
            return 405, with_policy([("Allow", "GET, HEAD")], policy), b""
        found = self._get(self.rules.key(uri))
        if found is None:  # S3's 404 (the distribution may list the bucket)
            body = b"Not Found\n"
            plain = [("Content-Type", "text/plain; charset=utf-8")]
            return 404, with_policy([*plain, ("Content-Length", str(len(body)))], policy), body
        if _matches(found.etag, if_none_match):
            headers = [(name, value) for name, value in found.headers if name != "Content-Length"]
            return 304, with_policy(headers, policy), b""
        return found.status, with_policy(found.headers, policy), found.body

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
        status = 404 if answer.get("Metadata", {}).get(STATUS_METADATA) == "404" else 200
        return _Object(body, headers, etag, status)


def with_policy(headers: list[tuple[str, str]], policy: Mapping[str, str]) -> list[tuple[str, str]]:
    """The object's headers and the policy's, the policy's winning (its headers all Override)."""
    overridden = {name.lower() for name in policy}
    kept = [(name, value) for name, value in headers if name.lower() not in overridden]
    return [*kept, *policy.items()]


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
