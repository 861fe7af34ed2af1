"""What the local stack needs from template.yaml, read from the template itself.

The template is the single source of truth: functions (handler, code, environment),
HTTP API routes, CORS and JWT authorizers, stream event source mappings, the buckets, tables,
queues, topics, secrets and Cognito user pools to create in moto, and what the site's CloudFront
distribution does (its bucket, response headers and error pages) all come from
it; a resource whose Condition is false under the parameters is left out, as
CloudFormation would. Intrinsic functions are resolved to *local* values: a `Ref`
to the content bucket becomes "clinic-content-local", a parameter its default,
samconfig.toml's local value, or the value `clinic dev` passes (as `sam deploy
--parameter-overrides` would); a
resource whose id moto chooses (a user pool, its client) resolves to that id once
the local stack passes it as `physical_ids`.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from samtranslator.yaml_helper import intrinsics_multi_constructor

from clinic_tools.local.parameters import as_deployed, local_parameters
from clinic_tools.yaml_loader import FastSafeLoader

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STACK_NAME = "clinic-local"
NAME_PREFIX = "clinic"

# Resource types whose local name the stack derives and moto holds.
BUCKET = "AWS::S3::Bucket"
TABLES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
TOPIC = "AWS::SNS::Topic"
QUEUE = "AWS::SQS::Queue"
STREAM_MAPPING = "AWS::Lambda::EventSourceMapping"
SECRET = "AWS::SecretsManager::Secret"  # noqa: S105 (a type name)
FUNCTION = "AWS::Serverless::Function"
HTTP_API = "AWS::Serverless::HttpApi"
DISTRIBUTION = "AWS::CloudFront::Distribution"
USER_POOL = "AWS::Cognito::UserPool"
USER_POOL_CLIENT = "AWS::Cognito::UserPoolClient"
USER_POOL_GROUP = "AWS::Cognito::UserPoolGroup"
# A route's `Auth: {Authorizer: NONE}` opts out of the API's DefaultAuthorizer.
NO_AUTHORIZER = "NONE"
# Locally no distribution stands in front of the API, so no function looks for its
# secret header (functions/clinic_api/core/edge.py): nothing is refused, and the
# connection's address is the sender's.
NO_EDGE = {"EDGE_ORIGIN_SECRET": ""}

_NAME_PROPERTY = {BUCKET: "BucketName", TOPIC: "TopicName", SECRET: "Name", QUEUE: "QueueName"}
_NAME_PROPERTY.update(
    {USER_POOL: "UserPoolName", USER_POOL_CLIENT: "ClientName", USER_POOL_GROUP: "GroupName"}
)
_NAME_PROPERTY.update(dict.fromkeys(TABLES, "TableName"))


class _TemplateLoader(FastSafeLoader):
    """YAML's safe loader with CloudFormation's short tags (`!Ref`, `!Sub`, ...) read as
    aws-sam-translator reads them; on libyaml where PyYAML has it (ten times faster)."""


_TemplateLoader.add_multi_constructor("!", intrinsics_multi_constructor)


def parse_template(text: str) -> dict[str, Any]:
    """A template's YAML as a document, its short tags in their long form (`{"Ref": ...}`)."""
    return copy.deepcopy(_parsed(text))  # the caller's own: a copy is a seventh of a parse


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> dict[str, Any]:
    """Kept per text: the local stack, the site's paths and the tests read one template often."""
    return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 (a safe loader)


_TYPE_SUFFIX = {BUCKET: "Bucket", TOPIC: "Topic", SECRET: "Secret", QUEUE: "Queue"}
_TYPE_SUFFIX.update(dict.fromkeys(TABLES, "Table"))


@dataclass(frozen=True)
class Route:
    """One HttpApi event: `GET /articles/{slug}` → ContentFunction."""

    method: str  # upper case, or "ANY"
    path: str  # "/articles/{slug}", or "$default"
    function: str
    authorizer: str | None = None  # the HttpApi authorizer that guards it, by name
    scopes: tuple[str, ...] = ()  # AuthorizationScopes: the token needs one of them

    @property
    def key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Cors:
    """An HttpApi CorsConfiguration, with its origins resolved."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class JwtAuthorizer:
    """An HttpApi JWT authorizer, its issuer and audience resolved."""

    name: str
    identity_source: str  # "$request.header.Authorization"
    issuer: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class Function:
    name: str  # the logical id, as in env.json and routes
    handler: str  # dotted path: module.attribute
    code_uri: Path
    memory_mb: int
    timeout_s: int
    environment: dict[str, str]


@dataclass(frozen=True)
class Resource:
    """A bucket, table, topic or secret: its type, local name and resolved properties."""

    logical_id: str
    type: str
    name: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class StreamMapping:
    """A DynamoDB stream feeding a function, as its AWS::Lambda::EventSourceMapping says."""

    function: str  # logical id
    table: str  # local table name
    starting_position: str  # TRIM_HORIZON or LATEST
    batch_size: int
    filters: tuple[dict[str, Any], ...]  # FilterCriteria patterns: a record must match one
    max_retries: int  # -1: until the record expires
    on_failure_queue: str | None  # local queue name


@dataclass(frozen=True)
class Behavior:
    """A cache behavior in front of the same bucket: the paths it takes, the headers it adds."""

    path_pattern: str  # CloudFront's: "*" any characters, "?" one ("/staff*")
    headers: dict[str, str]

    def takes(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.path_pattern.replace("[", "[[]"))


@dataclass(frozen=True)
class Distribution:
    """What a CloudFront distribution in front of a bucket does, for the local site server."""

    bucket: str  # local name of the bucket behind the default behavior
    headers: dict[str, str]  # what the default behavior's response headers policy adds
    root_object: str | None
    behaviors: tuple[Behavior, ...] = ()  # the others on that bucket, in the template's order

    def headers_for(self, path: str) -> dict[str, str]:
        """The response headers policy of the first behavior taking `path`, else the default's."""
        chosen = next((b.headers for b in self.behaviors if b.takes(path)), self.headers)
        return dict(chosen)


@dataclass
class LocalTemplate:
    functions: dict[str, Function] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    cors: Cors | None = None
    authorizers: dict[str, JwtAuthorizer] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    site: Distribution | None = None  # the distribution serving a bucket, if any
    parameters: dict[str, Any] = field(default_factory=dict)  # as resolved

    def named(self, *types: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.type in types]


def load_template(
    path: Path,
    parameters: Mapping[str, Any] | None = None,
    physical_ids: Mapping[str, str] | None = None,
) -> LocalTemplate:
    """Read template.yaml into what the local stack runs and creates.

    `parameters` override the defaults and samconfig.toml's local values
    (`local_parameters`), as `sam deploy --parameter-overrides` does (a
    CommaDelimitedList as a list or as text); an unknown name or a value the
    parameter's AllowedPattern or AllowedValues refuses is a ValueError (a local
    http URL is checked as its https twin: `as_deployed`).
    `physical_ids` are what a `Ref` to those logical ids means (ids moto chose).
    """
    document = parse_template(path.read_text(encoding="utf-8"))
    values = {**local_parameters(path), **(parameters or {})}
    resolver = Resolver(document, values, physical_ids)
    default_authorizer: str | None = None
    base = path.resolve().parent
    local = LocalTemplate(parameters=dict(resolver.parameters))
    globals_ = document.get("Globals", {}).get("Function", {})
    for logical_id, resource in document.get("Resources", {}).items():
        kind, props = resource.get("Type"), resource.get("Properties", {}) or {}
        if not resolver.condition(resource.get("Condition")):
            continue
        if kind == FUNCTION:
            local.functions[logical_id] = _function(logical_id, props, globals_, resolver, base)
            local.routes.extend(_routes(logical_id, props))
        elif kind == HTTP_API:
            if "CorsConfiguration" in props:
                local.cors = _cors(resolver.resolve(props["CorsConfiguration"]))
            auth = props.get("Auth") or {}
            local.authorizers.update(_authorizers(auth, resolver))
            default_authorizer = auth.get("DefaultAuthorizer")
        elif kind in _NAME_PROPERTY:
            name = resolver.local_name(logical_id)
            local.resources.append(Resource(logical_id, kind, name, resolver.resolve(props)))
        elif kind == STREAM_MAPPING and "StreamArn" in str(props.get("EventSourceArn")):
            local.stream_mappings.append(_stream_mapping(props, resolver))
        elif kind == DISTRIBUTION and local.site is None:
            local.site = _distribution(props.get("DistributionConfig") or {}, resolver)
    local.routes = [_guarded(route, default_authorizer) for route in local.routes]
    return local


class Resolver:
    """Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join and Fn::Select to local values."""

    def __init__(
        self,
        document: dict[str, Any],
        overrides: Mapping[str, Any] | None = None,
        physical_ids: Mapping[str, str] | None = None,
    ) -> None:
        self.resources: dict[str, Any] = document.get("Resources", {})
        self.physical_ids = dict(physical_ids or {})
        self.conditions: dict[str, Any] = document.get("Conditions") or {}
        specs: dict[str, Any] = document.get("Parameters") or {}
        self.parameters = {name: _parameter_default(spec) for name, spec in specs.items()}
        for name, value in (overrides or {}).items():
            if name not in specs:
                raise ValueError(f"the template has no parameter {name!r}")
            self.parameters[name] = _parameter_value(name, specs[name], value)

    def condition(self, name: str | None) -> bool:
        """A named condition under the parameters' defaults (no Condition: true)."""
        if name is None:
            return True
        return bool(self.resolve(self.conditions[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            handler = _INTRINSICS.get(key)
            if handler is not None:
                return handler(self, argument)
        return {key: self.resolve(item) for key, item in value.items()}

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": STACK_NAME,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical_ids:
            return self.physical_ids[name]
        kind = self.resources.get(name, {}).get("Type")
        if kind == TOPIC:
            return self.arn(name)
        return self.local_name(name)

    def local_name(self, logical_id: str) -> str:
        """The template's own name when it gives one, else clinic-<kebab-id>-local."""
        resource = self.resources.get(logical_id, {})
        kind = resource.get("Type", "")
        props = resource.get("Properties") or {}
        explicit = props.get(_NAME_PROPERTY.get(kind, ""))
        if explicit is not None:
            return str(self.resolve(explicit))
        stem = logical_id.removesuffix(_TYPE_SUFFIX.get(kind, "\0")) or logical_id
        kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", stem).lower()
        return f"{NAME_PREFIX}-{kebab}-local"

    def arn(self, logical_id: str) -> str:
        kind = self.resources.get(logical_id, {}).get("Type")
        name = self.local_name(logical_id)
        if kind == BUCKET:
            return f"arn:aws:s3:::{name}"
        if kind in TABLES:
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
        if kind == TOPIC:
            return f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}"
        if kind == SECRET:
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{name}"
        if kind == QUEUE:
            return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        return f"arn:aws:local:{REGION}:{ACCOUNT_ID}:{name}"

    def get_att(self, argument: Any) -> str:
        logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
        if attribute == "Arn":
            return self.arn(logical_id)
        return f"{self.local_name(logical_id)}-{attribute}"

    def sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {key: self.resolve(value) for key, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                return self.get_att(name)
            return _as_text(self.ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)


def _join(resolver: Resolver, argument: list[Any]) -> str:
    separator, items = argument
    return separator.join(_as_text(item) for item in resolver.resolve(items))


def _select(resolver: Resolver, argument: list[Any]) -> Any:
    index, items = resolver.resolve(argument)
    return items[int(index)]


_INTRINSICS = {
    "Ref": lambda resolver, name: resolver.ref(name),
    "Fn::Equals": lambda resolver, pair: (
        _as_text(resolver.resolve(pair[0])) == _as_text(resolver.resolve(pair[1]))
    ),
    "Fn::Not": lambda resolver, argument: not resolver.resolve(argument[0]),
    "Condition": lambda resolver, name: resolver.condition(name),
    "Fn::GetAtt": Resolver.get_att,
    "Fn::Sub": Resolver.sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
}


def _parameter_default(spec: dict[str, Any]) -> Any:
    default = spec.get("Default", "")
    if spec.get("Type") == "CommaDelimitedList":
        items = default if isinstance(default, list) else str(default).split(",")
        return [str(item).strip() for item in items if str(item).strip()]
    return default


def _parameter_value(name: str, spec: dict[str, Any], value: Any) -> Any:
    """An override, shaped and checked as CloudFormation would take it."""
    if spec.get("Type") == "CommaDelimitedList":
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        value = [str(item).strip() for item in items if str(item).strip()]
    texts = value if isinstance(value, list) else [_as_text(value)]
    pattern = spec.get("AllowedPattern")
    allowed = spec.get("AllowedValues")
    for text in texts:
        if pattern is not None and not re.fullmatch(str(pattern), as_deployed(text)):
            raise ValueError(f"parameter {name}: {text!r} does not match {pattern}")
        if allowed is not None and text not in [_as_text(item) for item in allowed]:
            raise ValueError(f"parameter {name}: {text!r} is not one of {allowed}")
    return value


def _as_text(value: Any) -> str:
    """How CloudFormation turns a value into an environment variable's string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(item) for item in value)
    return str(value)


def _function(
    logical_id: str,
    props: dict[str, Any],
    globals_: dict[str, Any],
    resolver: Resolver,
    base: Path,
) -> Function:
    def setting(name: str, default: Any) -> Any:
        return props.get(name, globals_.get(name, default))

    variables = {
        **(globals_.get("Environment", {}).get("Variables") or {}),
        **(props.get("Environment", {}).get("Variables") or {}),
    }
    environment = {key: _as_text(resolver.resolve(value)) for key, value in variables.items()}
    environment.update({key: value for key, value in NO_EDGE.items() if key in environment})
    return Function(
        name=logical_id,
        handler=setting("Handler", ""),
        code_uri=(base / str(setting("CodeUri", "."))).resolve(),
        memory_mb=int(resolver.resolve(setting("MemorySize", 128))),
        timeout_s=int(resolver.resolve(setting("Timeout", 3))),
        environment=environment,
    )


def _routes(logical_id: str, props: dict[str, Any]) -> list[Route]:
    routes = []
    for event in (props.get("Events") or {}).values():
        if event.get("Type") != "HttpApi":
            continue
        spec = event.get("Properties") or {}
        method = str(spec.get("Method", "ANY")).upper()
        path = spec.get("Path", "$default")
        if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
            method = "ANY"
        auth = spec.get("Auth") or {}
        scopes = tuple(str(scope) for scope in auth.get("AuthorizationScopes") or ())
        routes.append(Route(method, path, logical_id, auth.get("Authorizer"), scopes))
    return routes


def _guarded(route: Route, default: str | None) -> Route:
    """The route with the authorizer it runs behind: its own, the API's default, or none."""
    name = route.authorizer or default
    if name == NO_AUTHORIZER:
        name = None
    return route if name == route.authorizer else replace(route, authorizer=name)


def _authorizers(auth: dict[str, Any], resolver: Resolver) -> dict[str, JwtAuthorizer]:
    """The API's JWT authorizers (a Lambda authorizer is not run locally: left out)."""
    found: dict[str, JwtAuthorizer] = {}
    for name, spec in (auth.get("Authorizers") or {}).items():
        config = spec.get("JwtConfiguration")
        if config is None:
            continue
        audience = resolver.resolve(config.get("audience") or [])
        found[name] = JwtAuthorizer(
            name=name,
            identity_source=str(spec.get("IdentitySource", "$request.header.Authorization")),
            issuer=str(resolver.resolve(config.get("issuer", ""))),
            audience=tuple(str(item) for item in _as_list(audience)),
        )
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _cors(config: Any) -> Cors:
    if config is True:  # `CorsConfiguration: true` allows every origin
        return Cors(allow_origins=("*",), allow_methods=("*",), allow_headers=("*",))

    def items(name: str) -> tuple[str, ...]:
        value = config.get(name) or []
        return tuple(str(item) for item in (value if isinstance(value, list) else [value]))

    max_age = config.get("MaxAge")
    return Cors(
        allow_origins=items("AllowOrigins"),
        allow_methods=tuple(method.upper() for method in items("AllowMethods")),
        allow_headers=tuple(header.lower() for header in items("AllowHeaders")),
        expose_headers=tuple(header.lower() for header in items("ExposeHeaders")),
        max_age=None if max_age is None else int(max_age),
        allow_credentials=bool(config.get("AllowCredentials", False)),
    )


def _logical_id(reference: Any) -> str:
    """The resource a `!Ref X` or `!GetAtt X.Attr` names."""
    if "Ref" in reference:
        return str(reference["Ref"])
    target = reference["Fn::GetAtt"]
    return str(target[0] if isinstance(target, list) else target.split(".")[0])


def _stream_mapping(props: dict[str, Any], resolver: Resolver) -> StreamMapping:
    patterns = (props.get("FilterCriteria") or {}).get("Filters") or []
    destination = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return StreamMapping(
        function=_logical_id(props["FunctionName"]),
        table=resolver.local_name(_logical_id(props["EventSourceArn"])),
        starting_position=str(resolver.resolve(props.get("StartingPosition", "LATEST"))),
        batch_size=int(resolver.resolve(props.get("BatchSize", 100))),
        filters=tuple(json.loads(resolver.resolve(item["Pattern"])) for item in patterns),
        max_retries=int(resolver.resolve(props.get("MaximumRetryAttempts", -1))),
        on_failure_queue=resolver.local_name(_logical_id(destination)) if destination else None,
    )


def _distribution(config: dict[str, Any], resolver: Resolver) -> Distribution | None:
    """The distribution's default behavior, when it serves a bucket of this template."""
    default = config.get("DefaultCacheBehavior") or {}
    origins = {origin.get("Id"): origin for origin in config.get("Origins") or []}
    origin = origins.get(default.get("TargetOriginId"))
    if origin is None or "S3OriginConfig" not in origin:
        return None
    bucket = _logical_id(origin["DomainName"])
    if resolver.resources.get(bucket, {}).get("Type") != BUCKET:
        return None
    behaviors = tuple(
        Behavior(str(behavior["PathPattern"]), _behavior_headers(behavior, resolver))
        for behavior in config.get("CacheBehaviors") or []
        if behavior.get("TargetOriginId") == default.get("TargetOriginId")
    )
    root = config.get("DefaultRootObject")
    return Distribution(
        resolver.local_name(bucket),
        _behavior_headers(default, resolver),
        str(root) if root else None,
        behaviors,
    )


def _behavior_headers(behavior: dict[str, Any], resolver: Resolver) -> dict[str, str]:
    """What a behavior's response headers policy (a Ref to one of the template's) adds."""
    policy = behavior.get("ResponseHeadersPolicyId")
    if not (isinstance(policy, dict) and "Ref" in policy):
        return {}
    props = resolver.resources.get(policy["Ref"], {}).get("Properties") or {}
    return policy_headers(resolver.resolve(props.get("ResponseHeadersPolicyConfig") or {}))


def policy_headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers a ResponseHeadersPolicyConfig adds to every answer, as CloudFront writes them."""
    security = config.get("SecurityHeadersConfig") or {}
    headers: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        headers["Content-Security-Policy"] = security["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={int(hsts['AccessControlMaxAgeSec'])}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        headers["Strict-Transport-Security"] = value
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = str(security["FrameOptions"]["FrameOption"])
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = str(security["ReferrerPolicy"]["ReferrerPolicy"])
    for item in (config.get("CustomHeadersConfig") or {}).get("Items") or []:
        headers[str(item["Header"])] = str(item["Value"])
    return headers
