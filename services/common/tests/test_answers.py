"""A service's answers (rpc.Answers) stay within what the bus carries, and one that cannot be
sent does not stop the service: on kombu's in-memory transport, without a broker, and one
service on the real RabbitMQ."""
import logging
import uuid
from types import SimpleNamespace

import pytest
from kombu import Connection, Producer, Queue
from nameko.exceptions import deserialize
from nameko.rpc import get_rpc_exchange

from services.common import serialization
from services.common.context import Caller
from services.common.errors import AnswerTooLarge
from services.common.registry import service_class
from services.common.rpc import Answers, SignedClusterRpcProxy

LIMIT = 10_000


@pytest.fixture
def answers():
    sending = Answers({"AMQP_URI": "memory://", "MAX_ANSWER_BYTES": LIMIT})
    yield sending
    sending.close()


@pytest.fixture
def caller():
    """A caller's reply queue, and what it receives: (result, error) of each answer."""
    reply_to = f"reply-{uuid.uuid4().hex}"
    with Connection("memory://") as connection:
        queue = Queue(reply_to, get_rpc_exchange({}), routing_key=reply_to)(connection)
        queue.declare()

        def received():
            message = queue.get(no_ack=True)
            assert message is not None, "no answer"
            answer = serialization.loads(message.body)
            return answer["result"], answer["error"] and deserialize(answer["error"])

        yield SimpleNamespace(request=request_to(reply_to), received=received)


def request_to(reply_to):
    return SimpleNamespace(properties={"content_type": "application/json", "reply_to": reply_to,
                                       "correlation_id": "call-1"},
                           delivery_info={"routing_key": "directory.export_organizations_csv"},
                           headers={"nameko.request_id": "req-7"})


def test_an_answer_over_the_limit_reaches_its_caller_as_a_typed_error(answers, caller, caplog):
    result, exc_info = answers.send(caller.request, "x" * LIMIT, None)
    assert result is None and exc_info[0] is AnswerTooLarge
    result, error = caller.received()
    assert result is None and isinstance(error, AnswerTooLarge)
    assert error.code == "answer_too_large" and error.status == 500
    assert error.detail == ("The answer was 10,026 bytes, more than the 10,000 a service sends: "
                            "ask for less at a time.")
    logged = [record.getMessage() for record in caplog.records
              if record.levelno == logging.ERROR]
    assert logged == ["not sent: the answer to directory.export_organizations_csv (request "
                      "req-7) was 10026 bytes, more than MAX_ANSWER_BYTES=10000; answered "
                      "answer_too_large instead"]
    answers.send(caller.request, "pong", None)
    assert caller.received() == ("pong", None)


def test_an_answer_within_the_limit_is_sent_as_it_is(answers, caller):
    assert answers.send(caller.request, ["x" * 9000], None) == (["x" * 9000], None)
    assert caller.received() == (["x" * 9000], None)


def test_an_answer_the_broker_refuses_is_logged_and_the_next_ones_are_sent(
        answers, caller, caplog, monkeypatch):
    refusing = iter([ConnectionResetError("the broker closed the channel")])
    publish = Producer.publish

    def failing_once(producer, *args, **kwargs):
        for error in refusing:
            raise error
        return publish(producer, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", failing_once)
    assert answers.send(caller.request, "lost", None) == ("lost", None)  # nothing raised
    assert any("could not send the answer to directory.export_organizations_csv (request "
               "req-7)" in record.getMessage() for record in caplog.records)
    answers.send(caller.request, "pong", None)
    assert caller.received() == ("pong", None)


@pytest.mark.broker
def test_a_service_answers_a_too_large_answer_as_a_typed_error_and_goes_on(
        container_factory, service_config):
    config = {**service_config, "MAX_ANSWER_BYTES": 200}
    container_factory(service_class("directory"), config).start()
    city = Caller(user_id="u9", username="citta", roles=["city"], origin="gateway")
    with SignedClusterRpcProxy(config, city, timeout=10) as cluster:
        with pytest.raises(AnswerTooLarge):
            cluster.directory.export_organizations_csv()  # its header alone is 400 bytes
        assert cluster.directory.ping() == "pong"
