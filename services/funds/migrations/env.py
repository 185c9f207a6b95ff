from services.common.migrations import run_env
from services.funds.models import Base

run_env(Base.metadata)
