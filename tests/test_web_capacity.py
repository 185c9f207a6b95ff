"""A service's places on its page: "non nota" when never said or stale; its organisation's
form, and the one tap that says the same numbers again; the referral form shows them beside
the receivers. The directory stands in (test_web_pages.FakeServices) and checks the body with
its own schema."""
import re

import pytest

from services.common.schemas import load
from services.directory.contract.catalogue import CapacityUpdateSchema
from tests.test_web_pages import csrf_of, log_in_as_partner, web  # noqa: F401  (the fixture)

HTTPS = {"base_url": "https://localhost"}
SAID = {"available": 2, "waiting_list": 3, "note": "Solo il pomeriggio", "stale": False,
        "updated_at": "2026-12-01T10:00:00+01:00"}
SERVICE = {"id": "s-1", "name": "Doposcuola", "organization_id": "o-1",
           "organization": {"id": "o-1", "name": "Ente o-1"}, "location": {"municipio": 8},
           "schedules": [], "phones": [], "capacity": SAID, "actions": ["update_capacity"]}


@pytest.fixture
def directory(web):  # noqa: F811
    """update_capacity answered as the directory would, its body loaded by its own schema."""
    stated, answer_otherwise = [], web.services.call

    def call(service, method, *args, **kwargs):
        if method != "update_capacity":
            return answer_otherwise(service, method, *args, **kwargs)
        stated.append((args[0], load(CapacityUpdateSchema, args[1])))
        return SAID

    web.services.call = call
    web.services.stated = stated
    return web


def page_of(web, service=SERVICE):  # noqa: F811
    web.services.answers["get_service"] = service
    return web.get("/services/s-1", **HTTPS).get_data(as_text=True)


def test_the_page_says_the_places_or_that_they_are_not_known(web):  # noqa: F811
    page = page_of(web, {**SERVICE, "actions": []})
    assert "Posti liberi" in page and "Solo il pomeriggio" in page and "Aggiornati il" in page
    assert "non nota" not in page and "/services/s-1/capacity" not in page  # no form: not theirs
    stale = {**SAID, "available": None, "waiting_list": None, "stale": True}
    page = page_of(web, {**SERVICE, "capacity": stale, "actions": []})
    assert page.count("non nota") == 2 and "più di 14 giorni fa" in page
    page = page_of(web, {**SERVICE, "capacity": None, "actions": []})
    assert page.count("non nota") == 2 and "non ha ancora detto i suoi posti" in page


def test_the_organisation_says_the_same_places_again_in_one_tap(directory):
    log_in_as_partner(directory)
    page = page_of(directory)
    assert page.count('action="/services/s-1/capacity"') == 2  # the form, and the one tap
    assert "Ancora così: conferma ad oggi" in page
    tap = page[page.rindex('action="/services/s-1/capacity"'):]
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', tap))
    answer = directory.post("/services/s-1/capacity", data=hidden, **HTTPS)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("done=saved")
    assert directory.services.stated == [
        ("s-1", {"available": 2, "waiting_list": 3, "note": "Solo il pomeriggio"})]
    # a stale capacity offers no tap: its numbers are not known to say again
    stale = {**SAID, "available": None, "waiting_list": None, "stale": True}
    page = page_of(directory, {**SERVICE, "capacity": stale})
    assert page.count('action="/services/s-1/capacity"') == 1


def test_a_number_refused_is_said_next_to_its_input(directory):
    log_in_as_partner(directory)
    directory.services.answers["get_service"] = SERVICE
    token = csrf_of(directory.get("/services/s-1", **HTTPS))
    answer = directory.post("/services/s-1/capacity", **HTTPS, data={
        "csrf_token": token, "available": "-1", "waiting_list": "", "note": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="f-available-error"' in page
    assert 'id="f-waiting_list-error"' in page and directory.services.stated == []


def test_the_referral_form_shows_each_services_places(web):  # noqa: F811
    log_in_as_partner(web)
    web.services.answers["list_organizations"] = {"items": [], "page": 1, "per_page": 200,
                                                  "total": 0}
    unknown = {**SERVICE, "id": "s-2", "name": "Ludoteca", "capacity": None}
    web.services.answers["search_services"] = {"items": [SERVICE, unknown], "page": 1,
                                               "per_page": 200, "total": 2}
    page = web.get("/referrals/new", **HTTPS).get_data(as_text=True)
    assert "2 posti liberi, 3 famiglie in attesa" in page and "posti: non nota" in page
    [query] = [call[2][0] for call in web.services.calls if call[1] == "search_services"]
    assert query["municipio"] == 8
