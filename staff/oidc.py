"""Sign-in with the district's identity provider (OpenID Connect) via Authlib.

Authorization code flow with PKCE (S256), ``state`` and ``nonce``; Authlib builds the request,
exchanges the code and validates the ID token (signature from the provider's JWKS, issuer,
audience, expiry, nonce). The transaction Authlib keeps (state, nonce, verifier, redirect URI)
is stored server side (:func:`staff.sessions.save_flow`) and bound to the browser by a cookie,
so nothing secret travels in a cookie and no signing key is needed.

Claims become access by settings (:func:`map_claims`): the groups claim
(``STAFF_OIDC_ROLES_CLAIM``) through ``STAFF_OIDC_ROLE_MAP`` to roles, the office claim
(``STAFF_OIDC_OFFICE_CLAIM``) through ``STAFF_OIDC_OFFICE_MAP`` to an office code. A user
without a mapped role, office or e-mail address gets no access (and no account).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.integrations.starlette_client import OAuth
from starlette.requests import Request

from staff.settings import StaffSettings

logger = logging.getLogger(__name__)


class SignInFailed(Exception):
    """The provider's answer cannot be accepted (reason for the log, no personal data)."""


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    name: str
    office_code: str
    roles: frozenset[str]


def _values(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [v for v in claim if isinstance(v, str)]
    return []


def map_claims(claims: Mapping[str, Any], settings: StaffSettings) -> Identity | None:
    """The identity with roles and office from the claims; None when the user gets no access."""
    roles = frozenset(
        settings.oidc_role_map[group]
        for group in _values(claims.get(settings.oidc_roles_claim))
        if group in settings.oidc_role_map
    )
    offices = _values(claims.get(settings.oidc_office_claim))
    if settings.oidc_office_map:
        offices = [settings.oidc_office_map[v] for v in offices if v in settings.oidc_office_map]
    email = claims.get("email")
    subject = claims.get("sub")
    if not roles or len(set(offices)) != 1 or not isinstance(email, str) or not subject:
        return None
    name = claims.get("name")
    return Identity(
        issuer=str(settings.oidc_issuer),
        subject=str(subject),
        email=email,
        name=name if isinstance(name, str) and name.strip() else email,
        office_code=offices[0],
        roles=roles,
    )


class OidcSignIn:
    """The Authlib client of the configured provider."""

    def __init__(self, settings: StaffSettings) -> None:
        if not settings.oidc_enabled:
            raise ValueError("identity provider not configured (STAFF_OIDC_ISSUER)")
        self.settings = settings
        self.issuer = str(settings.oidc_issuer).rstrip("/")
        secret = settings.oidc_client_secret
        self.client: Any = OAuth().register(
            name="district",
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic" if secret else "none",
                "timeout": settings.oidc_timeout_seconds,
            },
        )

    async def _metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = await self.client.load_server_metadata()
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            raise SignInFailed("issuer in the discovery document differs from STAFF_OIDC_ISSUER")
        return metadata

    async def start(self, request: Request) -> tuple[str, dict[str, Any]]:
        """The provider's authorization URL and the transaction to keep until the return."""
        await self._metadata()
        request.scope["session"] = {}
        response = await self.client.authorize_redirect(request, self.settings.oidc_redirect_uri)
        return str(response.headers["location"]), dict(request.scope["session"])

    async def finish(self, request: Request, transaction: dict[str, Any]) -> dict[str, Any]:
        """Exchange the code (with the PKCE verifier), validate the ID token; return the claims
        (ID token, completed by the userinfo endpoint for the same subject)."""
        metadata = await self._metadata()
        request.scope["session"] = transaction
        token = await self.client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [metadata["issuer"]]}}
        )
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise SignInFailed("no ID token in the token response")
        if metadata.get("userinfo_endpoint"):
            info = dict(await self.client.userinfo(token=token))
            if info.get("sub") != claims["sub"]:
                raise SignInFailed("userinfo subject differs from the ID token's")
            claims = {**info, **claims}
        return claims
