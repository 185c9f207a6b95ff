"""The signed caller context, without a broker."""
import json

import pytest

from services.common.context import ANONYMOUS, CLAIMS, Caller
from services.common.errors import NotAuthenticated
from services.common.signing import TTL_SECONDS, ContextSigner

NEW, OLD = "n" * 40, "o" * 40
COORDINATOR = Caller(user_id="u1", username="coord8", roles=["coordinator"], municipi=[8],
                     request_id="r1", origin="gateway")


class Clock:
    now = 1_000_000.0

    def __call__(self):
        return self.now


def test_a_signed_context_is_accepted_and_carries_the_caller():
    signer = ContextSigner([NEW])
    data = signer.sign(COORDINATOR)
    signer.check(data)
    assert Caller.from_context_data(data) == COORDINATOR


@pytest.mark.parametrize("alter", [
    lambda data: data.pop("signature"),
    lambda data: data.pop("expires"),
    lambda data: data.update(signature="0" * 64),
    lambda data: data.update(expires=str(data["expires"])),
    lambda data: data.update(caller=data["caller"].replace('"coordinator"', '"city"')),
    lambda data: data.update(origin="directory"),
    lambda data: data.pop("origin"),
    lambda data: data.update(request_id="r2"),
    lambda data: data.update(expires=data["expires"] + 3600),
], ids=["unsigned", "no expiry", "forged", "expiry as text", "roles changed", "origin changed",
        "origin dropped", "request id changed", "expiry pushed"])
def test_a_context_altered_after_signing_is_refused(alter):
    signer = ContextSigner([NEW])
    data = signer.sign(COORDINATOR)
    alter(data)
    with pytest.raises(NotAuthenticated):
        signer.check(data)


def test_no_context_and_another_key_are_refused():
    with pytest.raises(NotAuthenticated, match="no signed caller context"):
        ContextSigner([NEW]).check({})
    with pytest.raises(NotAuthenticated, match="signature is not valid"):
        ContextSigner([NEW]).check(ContextSigner([OLD]).sign(COORDINATOR))


def test_a_context_past_its_seconds_is_refused():
    clock = Clock()
    signer = ContextSigner([NEW], clock=clock)
    data = signer.sign(COORDINATOR)
    clock.now += TTL_SECONDS
    signer.check(data)
    clock.now += 1
    with pytest.raises(NotAuthenticated, match="expired"):
        signer.check(data)


def test_keys_rotate_with_an_overlap():
    rotated = ContextSigner([NEW, OLD])
    rotated.check(ContextSigner([OLD]).sign(COORDINATOR))  # signed before the rotation
    with pytest.raises(NotAuthenticated):  # the new key signs: the old-only signer refuses
        ContextSigner([OLD]).check(rotated.sign(COORDINATOR))
    ContextSigner([NEW]).check(rotated.sign(COORDINATOR))


def test_a_service_signs_onward_the_caller_it_checked_with_itself_as_origin():
    signer = ContextSigner([NEW])
    onward = signer.sign_onward(signer.sign(COORDINATOR), "referrals")
    signer.check(onward)
    caller = Caller.from_context_data(onward)
    assert (caller.user_id, caller.roles, caller.request_id, caller.origin) == (
        "u1", ("coordinator",), "r1", "referrals")
    for_nobody = signer.sign_onward({}, "notifications")
    signer.check(for_nobody)
    assert Caller.from_context_data(for_nobody) == Caller(origin="notifications")


def test_every_claim_is_signed():
    data = ContextSigner([NEW]).sign(ANONYMOUS)
    assert set(json.loads(data["caller"])) == set(CLAIMS)
