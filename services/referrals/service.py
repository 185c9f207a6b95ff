"""The referrals service: hand-overs of families between organisations."""
from services.common.database import Database
from services.common.service import QubiService
from services.referrals.models import Base


class ReferralsService(QubiService):
    name = "referrals"
    db = Database(Base.metadata)
