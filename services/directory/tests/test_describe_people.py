"""Who people are, as the directory tells the other services (`describe_people`)."""
from sqlalchemy import select

from services.common.database import Store
from services.directory import people
from services.directory.demo import load_demo
from services.directory.models import Base, User


def test_each_known_person_is_named_with_their_organisation_even_once_deactivated(databases):
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "qubi-demo")
        users = {user.username: user for user in tx.session.execute(select(User)).scalars()}
        users["partner2"].active = False
        ids = [users["partner2"].id, users["asc8"].id, "no-such-id", None]
    with store.transaction() as tx:
        described = people.describe(tx.session, ids)
    store.dispose()
    assert sorted((p["username"], p["display_name"], p["organization_name"]) for p in described) == [
        ("asc8", "Assistente sociale di comunità Municipio 8", None),
        ("partner2", "Operatrice La Casa dei Giochi", "La Casa dei Giochi")]
