from services.common.migrations import run_env
from services.referrals.models import Base

run_env(Base.metadata)
