"""Each service's migrations build exactly the tables its models describe."""
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from services.common.config import SERVICE_NAMES
from services.common.migrations import alembic_config


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrations_match_the_models(service, databases):
    command.check(alembic_config(service, databases[service]))  # raises when they differ


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrating_again_changes_nothing(service, databases):
    config = alembic_config(service, databases[service])
    command.upgrade(config, "head")
    engine = create_engine(databases[service])
    with engine.connect() as connection:
        current = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert current == ScriptDirectory.from_config(config).get_current_head()
