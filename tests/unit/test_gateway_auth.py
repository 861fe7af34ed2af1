"""The local gateway runs the JWT authorizer a template declares, on the routes that name it.

A small template of its own, with a route behind the authorizer (the real template's
staff routes come with the staff function), checked with real tokens from the
template's user pool in moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from clinic_tools.local.authorizer import JwksCache, verifiers
from clinic_tools.local.cognito import (
    LocalStaffPool,
    create_staff_user,
    local_password,
    sign_in,
)
from clinic_tools.local.gateway import Gateway, RouteTable
from clinic_tools.local.template import LocalTemplate, Route, load_template

GUARDED_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [http://127.0.0.1:8000]
        AllowHeaders: [authorization]
      Auth:
        DefaultAuthorizer: Staff
        Authorizers:
          Staff:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Sub "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
              audience: [!Ref PoolClient]
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UsernameAttributes: [email]}
  PoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool}
  InboxFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: inbox.handler
      Events:
        List: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: GET, Path: /inbox}}
        Mine:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Method: GET
            Path: /mine
            Auth: {Authorizer: Staff, AuthorizationScopes: [aws.cognito.signin.user.admin]}
        Open:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Method: GET, Path: /open, Auth: {Authorizer: NONE}}
"""
ORIGIN = "http://127.0.0.1:8000"


def guarded(folder: Path, pool: LocalStaffPool | None = None) -> LocalTemplate:
    path = folder / "template.yaml"
    path.write_text(GUARDED_TEMPLATE, encoding="utf-8")
    ids = {"Pool": pool.pool_id, "PoolClient": pool.client_id} if pool else None
    return load_template(path, physical_ids=ids)


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "body": "{}"}


def gateway_for(template: LocalTemplate, invoke: Recorder) -> Gateway:
    def fetch(url: str) -> bytes:
        return requests.get(url, timeout=5).content

    checks = verifiers(template.authorizers, JwksCache(None, fetch))
    return Gateway(
        RouteTable(template.routes), template.cors, invoke, lambda *_: None, 3000, checks
    )


def get(path: str, headers: dict[str, str]) -> Request:
    return Request(EnvironBuilder(path=path, headers=list(headers.items())).get_environ())


def test_routes_run_behind_their_own_the_default_or_no_authorizer(tmp_path: Path) -> None:
    template = guarded(tmp_path)
    by_path = {route.path: route for route in template.routes}
    assert by_path["/inbox"] == Route("GET", "/inbox", "InboxFunction", "Staff")
    assert by_path["/mine"].scopes == ("aws.cognito.signin.user.admin",)
    assert by_path["/open"].authorizer is None
    (authorizer,) = template.authorizers.values()
    assert authorizer.issuer.startswith("https://cognito-idp.us-east-1.amazonaws.com/")


def test_without_a_token_the_gateway_answers_401_and_never_calls_the_function(
    tmp_path: Path, staff_pool: LocalStaffPool
) -> None:
    invoke = Recorder()
    gateway = gateway_for(guarded(tmp_path, staff_pool), invoke)
    response = gateway.handle(get("/inbox", {"Origin": ORIGIN}))
    assert response.status_code == 401
    assert json.loads(response.get_data()) == {"message": "Unauthorized"}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN  # the page can read it
    assert invoke.events == []
    assert gateway.handle(get("/open", {})).status_code == 200


def test_with_a_staff_token_the_function_gets_the_claims(
    tmp_path: Path, staff_pool: LocalStaffPool
) -> None:
    invoke = Recorder()
    template = guarded(tmp_path, staff_pool)
    password = local_password()
    create_staff_user(staff_pool, "front.desk@clinic.example", password, ["staff"])
    tokens = sign_in(staff_pool, "front.desk@clinic.example", password)
    response = gateway_for(template, invoke).handle(
        get("/inbox", {"Authorization": f"Bearer {tokens.id_token}"})
    )
    assert response.status_code == 200
    (event,) = invoke.events
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["jwt"]["claims"]["email"] == "front.desk@clinic.example"
    assert authorizer["jwt"]["claims"]["cognito:groups"] == "[staff]"
    assert authorizer["jwt"]["scopes"] is None


def test_a_route_with_scopes_refuses_an_id_token(
    tmp_path: Path, staff_pool: LocalStaffPool
) -> None:
    route = "/mine"
    password = local_password()
    create_staff_user(staff_pool, "clinician@clinic.example", password, ["staff"])
    tokens = sign_in(staff_pool, "clinician@clinic.example", password)
    gateway = gateway_for(guarded(tmp_path, staff_pool), Recorder())
    assert gateway.handle(get(route, {"Authorization": tokens.id_token})).status_code == 401
    assert gateway.handle(get(route, {"Authorization": tokens.access_token})).status_code == 200


def test_a_route_naming_an_authorizer_the_gateway_lacks_is_a_500_not_an_open_door(
    tmp_path: Path,
) -> None:
    template, invoke = guarded(tmp_path), Recorder()
    gateway = Gateway(RouteTable(template.routes), None, invoke, lambda *_: None, 3000)
    assert gateway.handle(get("/inbox", {"Authorization": "Bearer x"})).status_code == 500
    assert invoke.events == []
