"""The `actions` a service and an organisation carry: who may change them is who manages the
organisation (its partners, the coordinators of its municipi, the city), wherever the service
itself takes place."""
import pytest

from services.common.context import Caller
from services.common.errors import Forbidden
from services.directory import catalog
from services.directory.demo import DESK_ORGANIZATION
from services.directory.permissions import organization_actions, service_actions
from services.directory.tests.test_directory_rules import organization_named, users_of

ANONYMOUS = Caller()


def test_a_service_held_in_another_municipio_is_changed_by_its_organisations_managers(store):
    people = users_of(store)
    owner = organization_named(store, "Spazio Famiglie Gallaratese (demo)")
    assert owner.municipi == [8]
    with store.transaction() as tx:
        service = catalog.create(tx, people["partner8b"], {
            "organization_id": owner.id, "name": "Laboratorio al parco",
            "location": {"name": "Parco", "municipio": 3}})
        assert service_actions(people["partner8b"], service) == [
            "edit", "withdraw", "update_capacity"]  # its places: its own organisation's word
        for manager in ("coord8", "citta"):
            assert service_actions(people[manager], service) == ["edit", "withdraw"], manager
        # the coordinator of where it takes place does not manage the organisation
        for outsider in ("partner8a", "coord3", "asc8"):
            assert service_actions(people[outsider], service) == [], outsider
        assert service_actions(ANONYMOUS, service) == []
        with pytest.raises(Forbidden):
            catalog.update(tx, people["coord3"], service.id, {"name": "Altro"})


def test_a_withdrawn_service_offers_nothing_more(store):
    people = users_of(store)
    desks = organization_named(store, DESK_ORGANIZATION)
    with store.transaction() as tx:
        service = catalog.create(tx, people["coord8"], {"organization_id": desks.id,
                                                        "name": "Sportello scuola"})
        catalog.withdraw(tx, people["coord8"], service.id)
        assert service_actions(people["coord8"], service) == []


def test_who_manages_an_organisation_may_edit_it_and_add_and_change_its_services(store):
    people = users_of(store)
    owner = organization_named(store, "Spazio Famiglie Gallaratese (demo)")
    for manager in ("partner8b", "coord8", "citta"):
        assert organization_actions(people[manager], owner) == ["edit", "manage_services"]
    for outsider in ("partner8a", "coord3", "asc8"):
        assert organization_actions(people[outsider], owner) == [], outsider
