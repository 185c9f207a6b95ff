"""What partner systems may hear by webhook: for each kind (the bus event's type), the
organisations it concerns and what of the event its payload carries, ids and codes only (a
receiver fetches the rest with its own token). A subscription of the city hears every
organisation's."""
from dataclasses import dataclass
from typing import Callable

REFERRAL = ("referral_id", "code", "status", "urgency", "municipio", "from_organization_id",
            "to_organization_id", "to_service_id")
FORWARD = ("new_referral_id", "new_code", "forward_reason", "forward_to_organization_id")
REGISTRATION = ("event_id", "registration_id", "municipio", "adults", "children")
FUND_REQUEST = ("request_id", "code", "budget_id", "municipio", "period", "kind", "category",
                "amount_cents", "status", "organization_id", "stage")


@dataclass(frozen=True)
class WebhookKind:
    event_type: str
    fields: tuple  # what of the event's payload is sent
    # the organisations it concerns: (events service, payload) -> ids
    organisations: Callable
    heard: Callable = lambda payload: True  # whether this event is one of the kind at all


def _receiver(_events, payload) -> list:
    return [payload["to_organization_id"]]


def _sender_and_receiver(_events, payload) -> list:
    return [payload.get("from_organization_id"), payload["to_organization_id"]]


def _forward(events, payload) -> list:
    return _sender_and_receiver(events, payload) + [payload["forward_to_organization_id"]]


def _organisers(events, payload) -> list:
    return events.event_brief(payload["event_id"])["organizer_ids"]


def _requester(_events, payload) -> list:
    return [payload.get("organization_id")]


WEBHOOK_KINDS = {kind.event_type: kind for kind in [
    WebhookKind("referral_sent", REFERRAL, _receiver),
    WebhookKind("referral_accepted", REFERRAL, _sender_and_receiver),
    WebhookKind("referral_declined", REFERRAL, _sender_and_receiver),
    WebhookKind("referral_forwarded", REFERRAL + FORWARD, _forward),
    WebhookKind("referral_overdue", REFERRAL, _sender_and_receiver),
    WebhookKind("registration_requested", REGISTRATION, _organisers),
    # a decision: a final approval, or a refusal at any stage
    WebhookKind("fund_request_approved", FUND_REQUEST + ("final",), _requester,
                heard=lambda payload: payload.get("final", True)),
    WebhookKind("fund_request_rejected", FUND_REQUEST, _requester),
]}


def payload_of(kind: WebhookKind, payload: dict) -> dict:
    return {name: payload[name] for name in kind.fields if name in payload}


def organisations_of(kind: WebhookKind, events, payload: dict) -> set:
    return {organization_id for organization_id in kind.organisations(events, payload)
            if organization_id}
