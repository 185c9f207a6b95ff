"""The 9 municipal networks."""

from gateway.api import Blueprint
from gateway.api.common import answer, answers, page_schema
from services.directory.contract.catalogue import NetworkSchema

blp = Blueprint("networks", __name__, url_prefix="/api/v1", description="Municipal networks")
NetworkPage = page_schema(NetworkSchema, "NetworkPage")


@blp.route("/networks")
@answers(blp, 200, NetworkPage)
def list_networks():
    """The QuBì network of each municipio, with its zones."""
    return answer("directory", "list_networks")
