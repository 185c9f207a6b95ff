"""What the funds events say: ids, codes, amounts and the municipio; never who the child is
(not even the code that links a cost to a family)."""
from services.funds.contract import euros
from services.funds.models import FundRequest


def request_payload(request: FundRequest, **extra) -> dict:
    return {"request_id": request.id, "code": request.code, "budget_id": request.budget_id,
            "municipio": request.municipio, "period": request.period, "kind": request.kind,
            "category": request.category, "amount_cents": request.amount_cents,
            "amount": euros(request.amount_cents), "status": request.status,
            "requested_by_user_id": request.requested_by_user_id,
            "requested_by_role": request.requested_by_role,
            "organization_id": request.organization_id, **extra}
