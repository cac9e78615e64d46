"""Server-to-Server OAuth as Zoom runs it."""

from __future__ import annotations

import httpx

from connector.sandbox import Sandbox
from connector.sandbox.sandbox import ASGI_API_URL, ASGI_OAUTH_URL
from tests.sandbox.sandbox_support import CREDS, Zoom


async def test_token_names_the_api_host_and_the_scopes(zoom: Zoom) -> None:
    response = await zoom.token_response()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert body["api_url"] == ASGI_API_URL != ASGI_OAUTH_URL
    assert "user:read:list_users:admin" in body["scope"].split(" ")
    assert isinstance(body["access_token"], str) and body["access_token"]


async def test_token_parameters_may_come_in_a_form_body(zoom: Zoom) -> None:
    response = await zoom.http.post(
        f"{ASGI_OAUTH_URL}/oauth/token",
        data={"grant_type": "account_credentials", "account_id": CREDS.account_id},
        auth=(CREDS.client_id, CREDS.client_secret),
    )
    assert response.status_code == 200, response.text


async def test_wrong_secret_is_invalid_client(zoom: Zoom) -> None:
    response = await zoom.token_response(auth=(CREDS.client_id, "not-the-secret"))
    assert response.status_code == 401
    assert response.json() == {"reason": "Invalid client_id or client_secret",
                               "error": "invalid_client"}


async def test_missing_basic_auth_is_invalid_client(zoom: Zoom) -> None:
    response = await zoom.http.post(
        f"{ASGI_OAUTH_URL}/oauth/token",
        params={"grant_type": "account_credentials", "account_id": CREDS.account_id},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_wrong_account_is_an_invalid_request(zoom: Zoom) -> None:
    response = await zoom.token_response(account_id="SomeoneElsesAccount")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_other_grant_types_are_refused(zoom: Zoom) -> None:
    response = await zoom.token_response(grant_type="client_credentials")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_api_without_a_token_is_code_124(zoom: Zoom) -> None:
    response = await zoom.http.get(f"{ASGI_API_URL}/v2/users")
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Invalid access token."}


async def test_token_expires_after_an_hour_of_sandbox_time(zoom: Zoom, sandbox: Sandbox) -> None:
    await zoom.login()
    sandbox.advance(3599)
    assert (await zoom.get("/users")).status_code == 200
    sandbox.advance(1)
    response = await zoom.get("/users")
    assert response.status_code == 401
    assert response.json()["code"] == 124


async def test_revoked_tokens_are_refused_and_a_new_one_works(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    await zoom.login()
    assert sandbox.revoke_tokens() == 1
    response = await zoom.get("/users")
    assert (response.status_code, response.json()["code"]) == (401, 124)
    await zoom.login()
    assert (await zoom.get("/users")).status_code == 200


async def test_missing_scope_is_code_4711_naming_the_scope(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.set_scopes(frozenset({"user:read:list_users:admin"}))
    await zoom.login()
    assert (await zoom.get("/users")).status_code == 200
    response = await zoom.get("/phone/users")
    assert response.status_code == 400
    assert response.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[phone:read:list_users:admin].",
    }


async def test_token_scope_string_reflects_configured_scopes(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.set_scopes(frozenset({"user:read:user:admin", "user:read:list_users:admin"}))
    response = await zoom.token_response()
    assert response.json()["scope"] == "user:read:list_users:admin user:read:user:admin"


async def test_api_on_the_oauth_host_is_not_found(zoom: Zoom) -> None:
    token = await zoom.login()
    response = await zoom.http.get(f"{ASGI_OAUTH_URL}/v2/users",
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert "api_url" in response.json()["message"]


async def test_token_endpoint_is_only_on_the_oauth_host(zoom: Zoom) -> None:
    response = await zoom.http.post(
        f"{ASGI_API_URL}/oauth/token",
        params={"grant_type": "account_credentials", "account_id": CREDS.account_id},
        auth=(CREDS.client_id, CREDS.client_secret),
    )
    assert response.status_code == 404
    assert isinstance(response, httpx.Response)
