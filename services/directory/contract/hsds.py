"""The directory's contract for the HSDS 3.0 API (Open Referral): the query parameters of its
list endpoints, every one the official definition names, and the directory's own `municipio`.

The bodies are HSDS's own objects, dumped by services/directory/hsds*.py and described by
Open Referral's schemas (linked from the API's descriptions)."""
from marshmallow import Schema, fields, post_load, validates_schema

from services.common import checks
from services.common.schemas import MUNICIPIO, Moment

PER_PAGE = 200  # a page of anything
MINIMAL_PER_PAGE = 5000  # a page of `minimal` services: ids and times, all in one call
FORMATS = ("json", "ndjson")


class HsdsPageQuerySchema(Schema):
    """The parameters every HSDS list takes."""
    search = fields.String(validate=checks.Length(max=200), metadata={
        "description": "Text in the name or the description, case not minded"})
    page = fields.Integer(load_default=1, validate=checks.Range(min=1, max=1_000_000))
    per_page = fields.Integer(validate=checks.Range(min=1, max=PER_PAGE), metadata={
        "description": f"Up to {PER_PAGE}; 50 unless said"})
    format = fields.String(load_default="json", validate=checks.OneOf(FORMATS), metadata={
        "description": "json: one page (the default); ndjson: every result, one JSON object a "
                       "line (application/x-ndjson), without pages"})

    @post_load
    def default_page_size(self, data, **kwargs):
        data.setdefault("per_page", 50)
        return data


class HsdsTaxonomyTermQuerySchema(HsdsPageQuerySchema):
    taxonomy_id = fields.String(validate=checks.Length(max=36), metadata={
        "description": "Terms of this taxonomy"})
    top_only = fields.Boolean(metadata={
        "description": "The directory's terms have neither parents nor children: every term is "
                       "a top one, so this changes nothing"})
    parent_id = fields.String(validate=checks.Length(max=36), metadata={
        "description": "Terms under this parent: none, as no term has one"})


class HsdsFilterQuerySchema(HsdsPageQuerySchema):
    """What narrows services and services at locations alike."""
    search = fields.String(validate=checks.Length(max=200), metadata={
        "description": "Services with every word in their name, description, organisation or "
                       "zone, case and accents not minded (as /api/v1/services?q=)"})
    taxonomy_term_id = fields.String(validate=checks.Length(max=36), metadata={
        "description": "Services classified by this term (a kind of action or a dimension, "
                       "see /taxonomy_terms)"})
    taxonomy_id = fields.String(validate=checks.Length(max=36), metadata={
        "description": "Services with any term of this taxonomy (see /taxonomies)"})
    organization_id = fields.String(validate=checks.Length(max=36))
    modified_after = Moment(metadata={
        "description": "Services that changed, or whose organisation changed, at or after this "
                       "moment (their `last_modified`; ISO 8601, without an offset Europe/Rome "
                       "time), those withdrawn since included, with status `inactive`: an "
                       "incremental harvest learns what to drop"})
    full = fields.Boolean(load_default=False, metadata={
        "description": "Whole objects (with phones, schedules, locations) instead of the list "
                       "form"})
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "Not HSDS: services whose place is in this municipio of Milan"})


class HsdsServiceQuerySchema(HsdsFilterQuerySchema):
    per_page = fields.Integer(validate=checks.Range(min=1, max=MINIMAL_PER_PAGE), metadata={
        "description": f"Up to {PER_PAGE}, or {MINIMAL_PER_PAGE} with minimal; 50 unless said, "
                       f"{MINIMAL_PER_PAGE} with minimal"})
    minimal = fields.Boolean(load_default=False, metadata={
        "description": "Each service as its `id` and `last_modified` alone"})

    @validates_schema
    def small_pages_unless_minimal(self, data, **kwargs):
        """per_page is at most 200, unless minimal is true (then at most 5000)."""
        if data.get("per_page", 0) > PER_PAGE and not data.get("minimal"):
            raise checks.refuse("at_most", f"At most {PER_PAGE}.", "per_page", max=PER_PAGE)

    @post_load
    def default_page_size(self, data, **kwargs):
        data.setdefault("per_page", MINIMAL_PER_PAGE if data["minimal"] else 50)
        return data


class HsdsServiceAtLocationQuerySchema(HsdsFilterQuerySchema):
    postcode = fields.String(validate=checks.Length(max=10), metadata={
        "description": "Services whose place has this postcode (no service declares a "
                       "service_area); with `proximity`, whose place is within that many "
                       "metres of the centre of the directory's places with this postcode"})
    proximity = fields.Float(validate=checks.Range(min=0, max=50_000), metadata={
        "description": "Metres from the postcode's centre (used with `postcode` only)"})


class HsdsOrganizationQuerySchema(HsdsPageQuerySchema):
    full = fields.Boolean(load_default=False, metadata={
        "description": "Whole organisations, with their phones and their services (each in the "
                       "list form) instead of the list form"})
    full_service = fields.Boolean(load_default=False, metadata={
        "description": "Whole organisations with their services whole"})
    municipio = fields.Integer(validate=MUNICIPIO, metadata={
        "description": "Not HSDS: organisations of this municipio's network"})


class HsdsOrganizationItemQuerySchema(Schema):
    """`GET /organizations/{id}`'s one parameter."""
    full_service = fields.Boolean(load_default=False, metadata={
        "description": "Its services whole, instead of in the list form"})
