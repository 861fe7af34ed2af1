"""The site's path rules (pretty URL → object key), read out of the template's CloudFront Function.

There is one copy of the rules: the JSON literal between the `RULES BEGIN` and
`RULES END` markers in the code of the template's AWS::CloudFront::Function.
CloudFront runs that code on every viewer request; this module reads the same
literal and applies it the same way, so `clinic dev` serves exactly the paths
the deployed site serves. A path no rule knows is served the function's
`NOT_FOUND` key (the 404 page). Patterns stay within the regular-expression syntax
JavaScript and Python share; a test runs the real function in node against this.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinic_tools.local.template import parse_template

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
SITE_DIR = TEMPLATE.parent / "site"  # the website's folder, beside the template
FUNCTION_TYPE = "AWS::CloudFront::Function"
# The rule's key meaning "serve the URI itself" (assets, config.json, sitemap.xml).
ITSELF = "$uri"
_LITERAL = re.compile(
    r"//\s*RULES BEGIN[^\n]*\n\s*var RULES = (\[.*?\]);\s*\n\s*//\s*RULES END", re.S
)
_NOT_FOUND = re.compile(r'^\s*var NOT_FOUND = "(/[^"]*)";', re.M)


class RulesNotFound(ValueError):
    """The template has no CloudFront Function holding the marked RULES literal, or two."""


@dataclass(frozen=True)
class Rule:
    uri: re.Pattern[str]  # matched against the whole URI
    key: str  # "/index.html", or ITSELF


@dataclass(frozen=True)
class PathRules:
    rules: tuple[Rule, ...]
    not_found: str  # the key a path no rule knows is served: "/404.html"

    @classmethod
    def from_code(cls, code: str) -> PathRules:
        """The rules in a CloudFront Function's code."""
        literal = rules_literal(code)
        if literal is None:
            raise RulesNotFound("no `var RULES = [...]` between RULES BEGIN and RULES END")
        not_found = _NOT_FOUND.search(code)
        if not_found is None:
            raise RulesNotFound('no `var NOT_FOUND = "/key";` beside the rules')
        rules = tuple(Rule(re.compile(item["uri"]), item["key"]) for item in json.loads(literal))
        return cls(rules, not_found.group(1))

    @classmethod
    def from_template(cls, template: Path = TEMPLATE) -> PathRules:
        return cls.from_code(rules_function_code(template))

    def resolve(self, uri: str) -> str | None:
        """The object key ("/article.html") a URI serves, or None: 404.

        `uri` is the path as the browser sent it, still percent-encoded and
        without the query string, as CloudFront hands it to the function.
        """
        for rule in self.rules:
            # fullmatch, as the function's "^(?:...)$" (Python's "$" would allow a final "\n").
            if rule.uri.fullmatch(uri):
                return uri if rule.key == ITSELF else rule.key
        return None

    def key(self, uri: str) -> str:
        """The object key the function sends a URI to: its rule's, else the 404 page."""
        return self.resolve(uri) or self.not_found


def rules_literal(code: str) -> str | None:
    """The JSON text of the rules in a function's code, or None when it holds none."""
    found = _LITERAL.search(code)
    return found.group(1) if found else None


def rules_function_code(template: Path = TEMPLATE) -> str:
    """The code of the template's one CloudFront Function that holds the rules."""
    document = parse_template(template.read_text(encoding="utf-8"))
    codes = [
        str(resource.get("Properties", {}).get("FunctionCode", ""))
        for resource in (document.get("Resources") or {}).values()
        if resource.get("Type") == FUNCTION_TYPE
    ]
    holding = [code for code in codes if rules_literal(code) is not None]
    if len(holding) != 1:
        raise RulesNotFound(
            f"{template}: {len(holding)} CloudFront Functions hold the path rules; expected one"
        )
    return holding[0]


@cache
def _rules(template: Path) -> PathRules:
    return PathRules.from_template(template)


def resolve(path: str, template: Path = TEMPLATE) -> str | None:
    """The object key a site path serves under the template's rules, or None (404)."""
    return _rules(template.resolve()).resolve(path)


def not_found_key(template: Path = TEMPLATE) -> str:
    """The 404 page's object key ("404.html"), as the bucket names it."""
    return _rules(template.resolve()).not_found.removeprefix("/")
