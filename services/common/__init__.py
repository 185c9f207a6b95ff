"""What every QuBì service shares: configuration, caller context, errors, database and bus."""
from services.common.serialization import use_on_the_bus

use_on_the_bus()
