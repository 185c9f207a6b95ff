"""`PUT /api/v1/services/{id}/capacity` at the gateway: a login first, the body checked with the
directory's own schema (422 naming the field), then passed on as the client sent it."""
from gateway.tests.support import PARTNER, bearer, make_app
from services.common import serialization

SAID = {"available": 2, "waiting_list": 1, "note": None, "stale": False,
        "updated_at": "2026-12-07T10:00:00+01:00"}


class FakeDirectory:
    def __init__(self):
        self.calls = []

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        self.calls.append((service, method, args))
        return serialization.dumps(SAID) if as_json else SAID


def test_the_organisation_says_its_places_through_the_api():
    directory = FakeDirectory()
    client = make_app(rpc=directory).test_client()
    body = {"available": 2, "waiting_list": 1}
    assert client.put("/api/v1/services/s-1/capacity", json=body).status_code == 401
    answer = client.put("/api/v1/services/s-1/capacity", json=body, headers=bearer(PARTNER))
    assert (answer.status_code, answer.json) == (200, SAID)
    assert directory.calls == [("directory", "update_capacity", ("s-1", body))]


def test_a_number_out_of_bounds_is_refused_naming_its_field_before_the_directory_is_asked():
    directory = FakeDirectory()
    client = make_app(rpc=directory).test_client()
    answer = client.put("/api/v1/services/s-1/capacity", headers=bearer(PARTNER),
                        json={"available": -1, "waiting_list": 0})
    assert answer.status_code == 422 and "available" in answer.get_data(as_text=True)
    assert directory.calls == []
