"""Flask's JSON, written and read by the same orjson codec as the bus (see
services/common/serialization.py): the gateway passes the services' answers on as they are."""
from flask.json.provider import JSONProvider

from services.common import serialization


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        return serialization.dumps(obj).decode()

    def loads(self, s, **kwargs):
        return serialization.loads(s)
