"""The funds service's contract. Amounts travel as euros with two decimals ("120.50", a string
on the way out so that no float ever rounds them) and are kept as integer cents."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validates_schema

from services.common import checks
from services.common.context import CITY, COORDINATOR, PARTNER, SOCIAL_WORKER
from services.common.periods import PeriodArgs
from services.common.schemas import ID, MUNICIPIO, ROME, SOMETIMES_ABSENT, PageArgs, Timestamp
from services.common.spreadsheets import SheetArgs
from services.common.vocabulary import DIMENSIONS

# request kinds
COLLECTIVE, CHILD = "collective", "child"
KINDS = (COLLECTIVE, CHILD)
# request statuses
SUBMITTED, AWAITING_CITY, APPROVED, PAID = "submitted", "awaiting_city", "approved", "paid"
REJECTED, WITHDRAWN, CANCELLED = "rejected", "withdrawn", "cancelled"
STATUSES = (SUBMITTED, AWAITING_CITY, APPROVED, PAID, REJECTED, WITHDRAWN, CANCELLED)
PENDING = (SUBMITTED, AWAITING_CITY)
# approval stages and outcomes
MUNICIPAL, CITY_STAGE = "municipal", "city"
# ledger entry kinds
TOP_UP, COMMITMENT, PAYMENT, CANCELLATION = "top_up", "commitment", "payment", "cancellation"
ENTRY_KINDS = (TOP_UP, COMMITMENT, PAYMENT, CANCELLATION)
# where a budget's money comes from
SOURCES = ("city", "foundation", "donation", "other")
REQUESTERS = (PARTNER, SOCIAL_WORKER)
DECIDERS = (COORDINATOR, CITY)
ABILITIES = {"use_funds": REQUESTERS + DECIDERS, "request_funds": REQUESTERS,
             "decide_first": (COORDINATOR,), "decide_over_threshold": (CITY,),
             "open_budgets": (CITY,), "read_fund_report": DECIDERS}
DEFAULT_THRESHOLD_CENTS = 500_00

MAX_CENTS = 1_000_000_00  # one million euros: more than any single movement of a network's fund
PERIOD = re.compile(r"^(20[2-9][0-9])-(20[2-9][0-9])$")
REFERRAL_CODE = checks.Regexp(r"^R-[0-9]{4}-[0-9]{4,6}$",
                                code="referral_code_form",
                                error="A referral's code, such as R-2026-0042.")
FIRST_PAYMENT_DAY = date(2024, 1, 1)


def euros(cents: int) -> str:
    """12050 -> "120.50"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class Euros(checks.CodedField, fields.Field):
    """An amount in euros, at most two decimals, as a number or a string ("120.50", also
    "120,50"); loaded as integer cents, dumped as a string with two decimals."""

    default_error_messages = {
        "invalid": "Give an amount in euros, such as 120.50.",
        "places": "At most two decimals (cents).",
        "range": "Between {minimum} and {maximum} euros.",
    }

    def __init__(self, minimum: int = 1, maximum: int = MAX_CENTS, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"type": "string", "pattern": r"^-?[0-9]+([.,][0-9]{1,2})?$",
                              "example": "120.50", **kwargs["metadata"]}
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.openapi = {"description": f"From {euros(minimum)} to {euros(maximum)} euros."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise self.make_error("invalid")
        text = str(value).strip()
        if re.fullmatch(r"-?[0-9]+,[0-9]{1,2}", text):  # the Italian way of writing it
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise self.make_error("invalid") from None
        if not amount.is_finite():
            raise self.make_error("invalid")
        if amount.adjusted() > 12:  # far out of range: refused before any arithmetic
            raise self.make_error("range", minimum=euros(self.minimum), maximum=euros(self.maximum))
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise self.make_error("places")
        cents = int(cents)
        if not self.minimum <= cents <= self.maximum:
            raise self.make_error("range", minimum=euros(self.minimum), maximum=euros(self.maximum))
        return cents

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or isinstance(value, str):  # already dumped: documented as it is
            return value
        return euros(int(value))


@checks.stated(pattern=PERIOD.pattern,
               description="The second year follows the first.")
def _period(value: str):
    found = PERIOD.match(value or "")
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise checks.refuse("period_form", "A project year such as 2025-2026.")


@checks.stated(description="From 2024-01-01 to today (Europe/Rome).")
def _paid_day(day: date):
    if not FIRST_PAYMENT_DAY <= day <= _today():
        raise checks.refuse("payment_day", "A day from 2024 to today.")


def _today() -> date:
    return datetime.now(ROME).date()


# --- budgets -----------------------------------------------------------------------------------

class TopUpCreateSchema(Schema):
    source = fields.String(required=True, validate=checks.OneOf(SOURCES), metadata={
        "description": "city, foundation, donation (from events and drives) or other"})
    amount = Euros(required=True)
    description = fields.String(validate=checks.Length(max=300), metadata={
        "description": "e.g. the foundation's grant, or the event that raised it"})
    reference = fields.String(validate=checks.Length(max=100), metadata={
        "description": "An act, a transfer or the id of the event or drive"})


class BudgetCreateSchema(Schema):
    municipio = fields.Integer(required=True, validate=MUNICIPIO)
    period = fields.String(required=True, validate=_period,
                           metadata={"description": "The project year, such as 2025-2026"})
    approval_threshold = Euros(minimum=0, load_default=DEFAULT_THRESHOLD_CENTS, metadata={
        "description": "Above it, the city tier approves after the municipal coordination "
                       "(default 500.00)"})
    sources = fields.List(fields.Nested(TopUpCreateSchema), load_default=list,
                          validate=checks.Length(max=20),
                          metadata={"description": "The first top-ups, each with its source"})


class BudgetUpdateSchema(Schema):
    approval_threshold = Euros(minimum=0, required=True)


class BudgetQuerySchema(PageArgs):
    municipio = fields.Integer(validate=MUNICIPIO)
    period = fields.String(validate=_period)


class BudgetSchema(Schema):
    id = fields.String()
    municipio = fields.Integer()
    period = fields.String()
    approval_threshold = Euros()
    funded = Euros(metadata={"description": "Every top-up, net of corrections"})
    committed = Euros(metadata={"description": "Approved and not yet paid"})
    spent = Euros(metadata={"description": "Paid"})
    available = Euros(metadata={"description": "funded - committed - spent; never below zero"})
    by_source = fields.Dict(keys=fields.String(), values=Euros())
    created_at = Timestamp()
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do with it: request (ask for money from it: partners and social "
        "workers), top_up (record money in: the city, or the municipio's coordination for "
        "the sources other than the city), edit (its threshold: the city), ledger (read it: "
        "the municipio's coordination and the city)")})
    top_up_sources = fields.List(fields.String(), metadata={
        "description": "The sources the caller may record a top-up from; empty without top_up"})


# --- requests ----------------------------------------------------------------------------------

class FundRequestCreateSchema(Schema):
    """No field names a person: a child is linked by a referral's code or by the code the
    requesting organisation knows the family by."""
    budget_id = fields.String(required=True, validate=ID)
    kind = fields.String(required=True, validate=checks.OneOf(KINDS), metadata={
        "description": "collective: for a shared action; child: a cost of one child"})
    action = fields.String(allow_none=True, validate=checks.Length(min=1, max=200), metadata={
        "description": "The collective action (summer camp, workshop cycle); required for "
                       "collective requests"})
    referral_code = fields.String(allow_none=True, validate=REFERRAL_CODE, metadata={
        "description": "For a child: the referral's code (R-2026-0042)"})
    family_reference = fields.String(allow_none=True, validate=checks.Length(min=1, max=60),
                                     metadata={
        "description": "For a child: the code your organisation knows the family by (never a "
                       "name)"})
    purpose = fields.String(required=True, validate=checks.Length(min=1, max=1000))
    category = fields.String(required=True, validate=checks.OneOf(DIMENSIONS))
    amount = Euros(required=True)
    supplier = fields.String(allow_none=True, validate=checks.Length(max=200))

    @validates_schema
    @checks.across_fields(
        "A `collective` cost names its `action` and no `referral_code` or "
        "`family_reference`; a `child` cost gives a `referral_code` or a "
        "`family_reference`.")
    def linked_as_its_kind_says(self, data, **kwargs):
        errors = {}
        if data.get("kind") == COLLECTIVE:
            if not data.get("action"):
                errors["action"] = [checks.reason("action_missing", "Name the collective action.")]
            for field in ("referral_code", "family_reference"):
                if data.get(field):
                    errors[field] = [checks.reason("child_only", "Only for a child's cost.")]
        if data.get("kind") == CHILD and not (data.get("referral_code")
                                              or data.get("family_reference")):
            errors["referral_code"] = [checks.reason(
                "child_unlinked", "Link the child by a referral's code or the family's reference.")]
        if errors:
            raise ValidationError(errors)


class DecisionReasonSchema(Schema):
    reason = fields.String(required=True, validate=checks.Length(min=1, max=1000),
                           metadata={"description": "Why: every decision keeps its reason"})


class FundPaymentCreateSchema(Schema):
    amount = Euros(required=True)
    paid_on = fields.Date(required=True, validate=_paid_day)
    receipt_reference = fields.String(required=True, validate=checks.Length(min=1, max=100),
                                      metadata={"description": "The invoice's or receipt's "
                                                               "number"})
    note = fields.String(validate=checks.Length(max=300))


class FundRequestQuerySchema(PageArgs):
    status = fields.String(validate=checks.OneOf(STATUSES))
    kind = fields.String(validate=checks.OneOf(KINDS))
    category = fields.String(validate=checks.OneOf(DIMENSIONS))
    municipio = fields.Integer(validate=MUNICIPIO)
    period = fields.String(validate=_period)
    budget_id = fields.String(validate=ID)


class FundDecisionSchema(Schema):
    stage = fields.String(metadata={"description": "municipal, city or requester"})
    outcome = fields.String(metadata={"description": "approved, rejected, withdrawn or "
                                                     "cancelled"})
    reason = fields.String()
    user_id = fields.String(allow_none=True)
    role = fields.String()
    at = Timestamp()


class GovernanceDecisionSchema(Schema):
    id = fields.String(metadata={"description": "The decision in the governance service"})
    title = fields.String()
    body_name = fields.String(metadata={"description": "The body that took it"})
    decided_on = fields.Date()


class FundPaymentSchema(Schema):
    id = fields.String()
    amount = Euros()
    paid_on = fields.Date()
    receipt_reference = fields.String()
    reverses_id = fields.String(allow_none=True)
    reversed = fields.Boolean()
    recorded_at = Timestamp()


class FundRequestSchema(Schema):
    id = fields.String()
    code = fields.String()
    budget_id = fields.String()
    municipio = fields.Integer()
    period = fields.String()
    kind = fields.String()
    action = fields.String(allow_none=True)
    referral_code = fields.String(allow_none=True, metadata={
        "description": "Shown to the requester's side and the municipio, not to the city",
        SOMETIMES_ABSENT: True})
    family_reference = fields.String(allow_none=True, metadata={
        "description": "As `referral_code`", SOMETIMES_ABSENT: True})
    purpose = fields.String()
    category = fields.String()
    amount = Euros()
    supplier = fields.String(allow_none=True)
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    approval_path = fields.List(fields.String(), metadata={
        "description": "municipal, then city too when the amount is above the threshold"})
    requested_by_user_id = fields.String()
    requested_by_role = fields.String()
    organization_id = fields.String(allow_none=True)
    committed = Euros()
    paid = Euros()
    released = Euros()
    submitted_at = Timestamp()
    decided_at = Timestamp(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    decisions = fields.List(fields.Nested(FundDecisionSchema))
    payments = fields.List(fields.Nested(FundPaymentSchema), metadata={
        "description": "The single request's answer only", SOMETIMES_ABSENT: True})
    governance_decisions = fields.List(fields.Nested(GovernanceDecisionSchema), metadata={
        "description": "The governance bodies' decisions that authorise the request, in the "
                       "order they were taken (the single request's answer only, as payments)",
        SOMETIMES_ABSENT: True})
    actions = fields.List(fields.String(), metadata={"description": (
        "What the caller may do now: approve and reject (the municipio's coordination on a "
        "submitted request, the city on one awaiting it; never who asked), withdraw (who "
        "asked, while pending), cancel and record_payment (the municipio's coordination or "
        "the city, once approved)")})


# --- ledger ------------------------------------------------------------------------------------

class LedgerQuerySchema(PageArgs):
    kind = fields.String(validate=checks.OneOf(ENTRY_KINDS))
    category = fields.String(validate=checks.OneOf(DIMENSIONS))
    request_id = fields.String(validate=ID)


class LedgerEntrySchema(Schema):
    id = fields.String()
    position = fields.Integer()
    kind = fields.String(metadata={"description": ", ".join(ENTRY_KINDS)})
    amount = Euros(metadata={"description": "Negative for a correction"})
    available_after = Euros()
    booked_on = fields.Date()
    source = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    request_code = fields.String(allow_none=True)
    request_kind = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    action = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    receipt_reference = fields.String(allow_none=True)
    reverses_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    recorded_by_user_id = fields.String(allow_none=True)
    recorded_at = Timestamp()
    actions = fields.List(fields.String(), metadata={"description": (
        "reverse: the caller may correct this top-up or payment with an entry of the "
        "opposite amount (not yet corrected, and a payment's request still approved or paid)")})


class LedgerTotalsSchema(Schema):
    funded = Euros()
    committed = Euros()
    spent = Euros()
    available = Euros()
    entries = fields.Integer()


# --- reports -----------------------------------------------------------------------------------

class FundReportQuerySchema(PeriodArgs, SheetArgs):
    """`from` and `to` keep, of each network's months (`by_month`), those the period touches:
    the ledger is summed per month."""
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "One municipio; without it, the city sees all 9 and a coordinator its own"})
    period = fields.String(validate=_period, metadata={
        "description": "One project year, such as 2025-2026"})


class FundAmountsSchema(Schema):
    committed = Euros()
    spent = Euros()


class FundMonthSchema(Schema):
    approved = Euros(metadata={"description": "Commitments made that month, net of "
                                              "cancellations"})
    spent = Euros()


class ChildrenCostsSchema(Schema):
    requests = fields.Raw(metadata={"description": "How many children's costs were approved "
                                                   "(1-4 read '<5')",
                                    "anyOf": [{"type": "integer"}, {"type": "string"}]})
    committed = Euros()
    spent = Euros()


class FundNetworkReportSchema(Schema):
    budget_id = fields.String()
    municipio = fields.Integer()
    period = fields.String()
    approval_threshold = Euros()
    funded = Euros()
    committed = Euros()
    spent = Euros()
    available = Euros()
    by_source = fields.Dict(keys=fields.String(), values=Euros())
    by_category = fields.Dict(keys=fields.String(), values=fields.Nested(FundAmountsSchema))
    by_month = fields.Dict(keys=fields.String(), values=fields.Nested(FundMonthSchema), metadata={
        "description": "Approved and spent each month (YYYY-MM); with `from` and `to`, the "
                       "months the period touches"})
    by_action = fields.Dict(keys=fields.String(), values=fields.Nested(FundAmountsSchema))
    children = fields.Nested(ChildrenCostsSchema)
    requests = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "Requests by status; 1-4 read '<5'"})


class FundPeriodTotalsSchema(Schema):
    funded = Euros()
    committed = Euros()
    spent = Euros()
    available = Euros()


class FundReportSchema(Schema):
    generated_at = Timestamp()
    networks = fields.List(fields.Nested(FundNetworkReportSchema))
    by_period = fields.Dict(keys=fields.String(), values=fields.Nested(FundPeriodTotalsSchema))
