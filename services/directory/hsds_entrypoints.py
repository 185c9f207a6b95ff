"""The directory's entrypoints for the HSDS 3.0 API (Open Referral): thin, the rules are in
hsds_lists.py. A part of `DirectoryService`, which holds the database and the search index."""
from services.common.rpc import rpc
from services.common.schemas import load
from services.directory import hsds_lists, hsds_taxonomies
from services.directory.contract.hsds import (HsdsOrganizationItemQuerySchema,
                                              HsdsOrganizationQuerySchema, HsdsPageQuerySchema,
                                              HsdsServiceAtLocationQuerySchema,
                                              HsdsServiceQuerySchema,
                                              HsdsTaxonomyTermQuerySchema)


class HsdsEntrypoints:
    @rpc
    def hsds_services(self, query=None):
        args = load(HsdsServiceQuerySchema, query)
        among = self._with_words(args)
        with self.db.transaction() as tx:
            return hsds_lists.services(tx.session, args, among)

    @rpc
    def hsds_service(self, service_id):
        with self.db.transaction() as tx:
            return hsds_lists.service(tx.session, service_id)

    @rpc
    def hsds_service_at_locations(self, query=None):
        args = load(HsdsServiceAtLocationQuerySchema, query)
        among = self._with_words(args)
        with self.db.transaction() as tx:
            return hsds_lists.service_at_locations(tx.session, args, among)

    def _with_words(self, args) -> set | None:
        """The services a `search` finds, asked of the index before the database's unit of
        work opens (on SQLite, one at a time)."""
        return self.index.ids_with_words(args["search"]) if args.get("search") else None

    @rpc
    def hsds_service_at_location(self, service_at_location_id):
        with self.db.transaction() as tx:
            return hsds_lists.service_at_location(tx.session, service_at_location_id)

    @rpc
    def hsds_organizations(self, query=None):
        args = load(HsdsOrganizationQuerySchema, query)
        with self.db.transaction() as tx:
            return hsds_lists.organizations_page(tx.session, args)

    @rpc
    def hsds_organization(self, organization_id, query=None):
        args = load(HsdsOrganizationItemQuerySchema, query)
        with self.db.transaction() as tx:
            return hsds_lists.organization(tx.session, organization_id, args)

    @rpc
    def hsds_taxonomies(self, query=None):
        return hsds_lists.taxonomies(load(HsdsPageQuerySchema, query))

    @rpc
    def hsds_taxonomy(self, taxonomy_id):
        return hsds_taxonomies.get_taxonomy(taxonomy_id)

    @rpc
    def hsds_taxonomy_terms(self, query=None):
        return hsds_lists.taxonomy_terms(load(HsdsTaxonomyTermQuerySchema, query))

    @rpc
    def hsds_taxonomy_term(self, term_id):
        return hsds_taxonomies.get_term(term_id)
