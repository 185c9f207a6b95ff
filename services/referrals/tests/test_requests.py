"""A referral's request is refused once with every reason: the fields, the consent's dates and
an unknown receiver together, so that the sender corrects the form in one round. No reason is
lost on the way: each check refuses what it refused before."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.common.database import Store
from services.common.errors import Invalid
from services.directory import catalog, organizations
from services.directory.demo import DESK_ORGANIZATION, load_demo
from services.directory.models import Base as DirectoryBase
from services.directory.models import Organization, Service
from services.referrals.receivers import checked_request
from services.referrals.tests.test_handovers import request

UNKNOWN_ID = "0" * 35 + "9"


class Directory:
    """The directory's `get_organization` and `get_service` on its own database."""

    def __init__(self, store):
        self.store = store

    def get_organization(self, organization_id):
        with self.store.transaction() as tx:
            found = organizations.get(tx.session, organization_id)
            return {"id": found.id, "name": found.name}

    def get_service(self, service_id):
        with self.store.transaction() as tx:
            found = catalog.get(tx.session, service_id)
            return {"id": found.id, "organization_id": found.organization_id}


@pytest.fixture
def directory(databases):
    store = Store(databases["directory"], DirectoryBase.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, with_users=False)
    yield Directory(store)
    store.dispose()


@pytest.fixture
def desks(directory):
    """(the desks' organisation's id, one of its services' id)"""
    with directory.store.transaction() as tx:
        organization = tx.session.execute(select(Organization).where(
            Organization.name == DESK_ORGANIZATION)).scalar_one()
        service = tx.session.execute(select(Service).where(
            Service.organization_id == organization.id).limit(1)).scalar_one()
        return organization.id, service.id


def refusal(data, directory) -> dict:
    with pytest.raises(Invalid) as invalid:
        checked_request(data, directory)
    return {field: [code for code, _ in reasons] for field, reasons in invalid.value.codes.items()}


def test_an_empty_form_is_refused_once_with_every_field_it_lacks(directory):
    empty = {"urgency": "normal", "needs": [], "family": {"municipio": 8, "children": []}}
    assert refusal(empty, directory) == {
        "to_organization_id": ["receiver_missing"], "needs": ["needs_none"],
        "family.reference": ["required"], "family.children": ["children_none"],
        "consent": ["required"]}


def test_an_unknown_receiver_is_said_beside_the_fields_reasons(directory):
    now = datetime.now(timezone.utc)
    wrong = request(to_organization_id=UNKNOWN_ID, needs=["juggling"], consent={
        "given_by": "", "method": "written", "obtained_at": (now + timedelta(days=2)).isoformat(),
        "expires_at": (now - timedelta(days=1)).isoformat()})
    assert refusal(wrong, directory) == {
        "to_organization_id": ["receiver_unknown"], "needs.0": ["one_of"],
        "consent.given_by": ["length_between"], "consent.obtained_at": ["consent_in_future"],
        "consent.expires_at": ["consent_expired"]}


def test_the_consent_dates_are_checked_beside_a_date_that_does_not_load(directory, desks):
    now = datetime.now(timezone.utc)
    consent = {"given_by": "Maria", "method": "written", "obtained_at": "yesterday",
               "expires_at": (now - timedelta(days=1)).isoformat()}
    assert refusal(request(to_organization_id=desks[0], consent=consent), directory) == {
        "consent.obtained_at": ["invalid_datetime"], "consent.expires_at": ["consent_expired"]}
    consent.update(obtained_at=(now - timedelta(days=3)).isoformat(),
                   expires_at=(now - timedelta(days=4)).isoformat())
    assert refusal(request(to_organization_id=desks[0], consent=consent), directory) == {
        "consent.expires_at": ["consent_expired"]}  # before it was obtained, and over anyway
    consent.update(obtained_at=(now + timedelta(days=30)).isoformat(),
                   expires_at=(now + timedelta(days=20)).isoformat())
    assert refusal(request(to_organization_id=desks[0], consent=consent), directory) == {
        "consent.obtained_at": ["consent_in_future"],
        "consent.expires_at": ["consent_expires_before"]}


def test_a_receiver_whose_id_is_not_valid_is_refused_for_that_alone(directory):
    assert refusal(request(to_organization_id="desks", needs=[]), directory) == {
        "to_organization_id": ["not_an_id"], "needs": ["needs_none"]}
    assert refusal(request(to_organization_id=None), directory) == {
        "to_organization_id": ["null"]}


def test_an_unknown_service_is_said_for_the_service(directory):
    assert refusal(request(to_service_id=UNKNOWN_ID, summary=""), directory) == {
        "to_service_id": ["receiver_unknown"]}


def test_a_valid_request_names_its_receiver_by_the_organisation_or_its_service(directory, desks):
    organization_id, service_id = desks
    loaded, receiver = checked_request(request(to_organization_id=organization_id), directory)
    assert receiver["id"] == organization_id and loaded["needs"] == ["educational", "sport"]
    body = {key: value for key, value in request().items() if key != "to_organization_id"}
    loaded, receiver = checked_request({**body, "to_service_id": service_id}, directory)
    assert receiver["id"] == loaded["to_organization_id"] == organization_id
