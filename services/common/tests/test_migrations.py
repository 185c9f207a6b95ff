"""Each service's migrations build exactly the tables its models describe."""
import pytest
from alembic import command
from sqlalchemy import create_engine

from services.common.config import SERVICE_NAMES
from services.common.migrations import alembic_config


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrations_match_the_models(service, databases):
    command.check(alembic_config(service, databases[service]))  # raises when they differ


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrating_again_changes_nothing(service, databases):
    command.upgrade(alembic_config(service, databases[service]), "head")
    engine = create_engine(databases[service])
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
    engine.dispose()
