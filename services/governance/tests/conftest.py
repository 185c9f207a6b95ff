import pytest

from services.common.database import Store
from services.governance.models import Base


@pytest.fixture
def store(databases):
    store = Store(databases["governance"], Base.metadata)
    yield store
    store.dispose()
