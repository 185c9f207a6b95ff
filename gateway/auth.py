"""Access tokens: the gateway signs a short-lived JWT with who the caller is and the login
session it belongs to (`sid`), and checks it on every request. Credentials, sessions and
refresh tokens are the directory's (services/directory/users.py)."""
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
        "sid": identity["session_id"],
        "username": identity["username"],
        "organization_id": identity.get("organization_id"),
        "roles": identity.get("roles", []),
        "municipi": identity.get("municipi", []),
        "language": identity.get("language", "it"),
        "mfa": bool(identity.get("mfa")),
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
    }
    return {"access_token": jwt.encode(claims, secret, algorithm=ALGORITHM),
            "token_type": "Bearer", "expires_in": ttl_seconds}


def verify_token(token: str, secret: str, revocations) -> dict:
    """The claims of a token signed here, unexpired, of a session that has not ended."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "iat", "sub", "sid"]})
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("The token has expired.", "token_expired") from None
    except jwt.PyJWTError:
        raise NotAuthenticated("The token is not valid.", "token_invalid") from None
    if revocations.is_ended(claims["sid"]):
        raise NotAuthenticated("The token was revoked (logged out): log in again.",
                               "token_revoked")
    return claims


def caller_from_claims(claims: dict, request_id: str | None = None) -> Caller:
    return Caller(user_id=claims["sub"], username=claims.get("username"),
                  organization_id=claims.get("organization_id"), roles=claims.get("roles", []),
                  municipi=claims.get("municipi", []), language=claims.get("language", "it"),
                  mfa=bool(claims.get("mfa")), request_id=request_id, origin=GATEWAY)


def anonymous(request_id: str | None = None, language: str = "it") -> Caller:
    return Caller(request_id=request_id, origin=GATEWAY, language=language)
