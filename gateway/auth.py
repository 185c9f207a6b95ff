"""Tokens: the gateway signs a short-lived JWT with who the caller is, and checks it on every
request. Credentials themselves are checked by the directory."""
import time
import uuid

import jwt

from services.common.context import GATEWAY, Caller
from services.common.errors import NotAuthenticated

ALGORITHM = "HS256"


def issue_token(identity: dict, secret: str, ttl_seconds: int) -> dict:
    now = int(time.time())
    claims = {
        "sub": identity["user_id"],
        "username": identity["username"],
        "organization_id": identity.get("organization_id"),
        "roles": identity.get("roles", []),
        "municipi": identity.get("municipi", []),
        "language": identity.get("language", "it"),
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
    }
    return {"access_token": jwt.encode(claims, secret, algorithm=ALGORITHM),
            "token_type": "Bearer", "expires_in": ttl_seconds}


def caller_from_token(token: str, secret: str, request_id: str | None = None) -> Caller:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("The token has expired.") from None
    except jwt.PyJWTError:
        raise NotAuthenticated("The token is not valid.") from None
    return Caller(user_id=claims["sub"], username=claims.get("username"),
                  organization_id=claims.get("organization_id"), roles=claims.get("roles", []),
                  municipi=claims.get("municipi", []), language=claims.get("language", "it"),
                  request_id=request_id, origin=GATEWAY)


def anonymous(request_id: str | None = None, language: str = "it") -> Caller:
    return Caller(request_id=request_id, origin=GATEWAY, language=language)
