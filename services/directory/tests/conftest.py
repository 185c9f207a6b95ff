"""What the directory's tests share: its database with the demo data."""
import pytest

from services.common.database import Store
from services.directory.demo import load_demo
from services.directory.models import Base


@pytest.fixture
def store(databases):
    """The directory's database, migrated, with the demo data (password `secret-demo`)."""
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        load_demo(tx.session, "secret-demo")
    yield store
    store.dispose()
