"""The referral events' payload."""
from services.referrals.models import Referral


def event_payload(referral: Referral, **extra) -> dict:
    """What every referral event says: ids and codes, never the family's data."""
    return {"referral_id": referral.id, "code": referral.code, "status": referral.status,
            "urgency": referral.urgency, "municipio": referral.municipio,
            "to_municipi": referral.to_municipi,
            "from_organization_id": referral.from_organization_id,
            "from_user_id": referral.from_user_id,
            "to_organization_id": referral.to_organization_id,
            "to_service_id": referral.to_service_id, **extra}
