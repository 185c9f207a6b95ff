"""What the gateway's unit tests share: an app with no services behind it, and tokens."""
import time

from gateway.app import create_app
from gateway.auth import issue_token
from gateway.revocations import Revocations
from services.common.config import load_settings

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
COORDINATOR = {"user_id": "u-8", "username": "coord8", "roles": ["coordinator"], "municipi": [8],
               "session_id": "s-8"}
PARTNER = {"user_id": "u-p", "username": "partner8a", "roles": ["partner"], "municipi": [8],
           "organization_id": "o-1", "session_id": "s-p"}


def make_app(ended=None, rpc=None, **environ):
    """The gateway with no services behind it (its RPCs answer 503) or with `rpc` answering
    for them, and the directory's list of ended sessions given here: {session id: until};
    `environ` adds to the settings' environment."""
    settings = load_settings({"QUBI_ENV": "test", "QUBI_SECRET_KEY": SECRET,
                              "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",  # never reached
                              **environ})
    app = create_app(settings, rpc)
    ended = {} if ended is None else ended
    app.extensions["revocations"] = Revocations(lambda since: {
        "as_of": time.time(),
        "items": [{"session_id": key, "until": until} for key, until in ended.items()]})
    return app


def bearer(identity, secret=SECRET, ttl=60):
    return {"Authorization": "Bearer " + issue_token(identity, secret, ttl)["access_token"]}
