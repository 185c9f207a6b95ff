"""Who receives a referral, as the directory knows them; and a referral's request checked
whole: the reasons of every field and an unknown receiver in one refusal, so that a form is
corrected in one round."""
from services.common import checks
from services.common.errors import Invalid, NotFound
from services.common.schemas import load
from services.referrals.contract import ReferralCreateSchema

RECEIVER_FIELDS = ("to_service_id", "to_organization_id")


def checked_request(data, directory, schema=ReferralCreateSchema) -> tuple[dict, dict]:
    """(the request loaded, the receiving organisation as the directory knows it); Invalid
    with every reason. A receiver named by a valid id is looked up even when other fields
    are not valid. `schema`: a referral's, or a forward's."""
    try:
        loaded = load(schema, data)
    except Invalid as invalid:
        named = {field: data[field] for field in RECEIVER_FIELDS
                 if isinstance(data, dict) and data.get(field) and field not in invalid.errors}
        if named:
            try:
                receiver(named, directory)
            except Invalid as unknown:
                raise invalid.joined(unknown) from None
        raise
    return loaded, receiver(loaded, directory)


def receiver(named: dict, directory) -> dict:
    """The receiving organisation (of the service, when one is named: `named` then holds its
    organisation's id too)."""
    try:
        if named.get("to_service_id"):
            service = directory.get_service(named["to_service_id"])
            named["to_organization_id"] = service["organization_id"]
        return directory.get_organization(named["to_organization_id"])
    except NotFound:
        field = "to_service_id" if named.get("to_service_id") else "to_organization_id"
        raise Invalid({field: [checks.reason(
            "receiver_unknown", "No such organisation or service in the directory.")]}) from None
