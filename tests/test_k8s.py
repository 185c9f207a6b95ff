"""The Kubernetes manifests render with kustomize, every object validates against the
Kubernetes schemas, and every service of the code has its Deployment, autoscaler and budget."""
import importlib
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml
from cryptography.fernet import Fernet

from services.common.config import (DEVELOPMENT_CONTEXT_KEY, DEVELOPMENT_DATA_KEY,
                                    DEVELOPMENT_SECRET, SERVICE_NAMES, ConfigurationError,
                                    load_settings)

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"


def render(target: str) -> list:
    if shutil.which("kubectl") is None:
        pytest.fail("kubectl is needed to render the kustomization (.ci/run installs it)")
    output = subprocess.run(["kubectl", "kustomize", str(K8S / target)], check=True,
                            capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def objects(request):
    return render(request.param)


def by_kind(objects, kind) -> dict:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_every_kubernetes_object_validates(objects):
    for manifest in objects:
        if manifest["apiVersion"].startswith("rabbitmq.com/"):
            continue  # a custom resource: checked below
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_every_service_and_the_gateway_has_a_deployment_an_autoscaler_and_a_budget(objects):
    deployments = by_kind(objects, "Deployment")
    expected = {f"qubi-{name}" for name in (*SERVICE_NAMES, "gateway")}
    assert expected <= set(deployments)
    assert expected <= set(by_kind(objects, "HorizontalPodAutoscaler"))
    assert expected <= set(by_kind(objects, "PodDisruptionBudget"))
    for name, deployment in deployments.items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"] and container["livenessProbe"], name
        assert container["resources"]["requests"] and container["resources"]["limits"], name
        refs = [list(source)[0] for source in container["envFrom"]]
        assert refs == ["configMapRef", "secretRef"], name


def test_each_deployment_runs_code_that_exists(objects):
    for name, deployment in by_kind(objects, "Deployment").items():
        command = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
        if command[0] == "qubi-service":
            service = command[1]
            module = importlib.import_module(f"services.{service}.service")
            assert getattr(module, f"{service.capitalize()}Service").name == service
        else:
            assert "gateway.app:create_app()" in command[-1]
            assert callable(importlib.import_module("gateway.app").create_app)


def test_migrations_run_in_a_job_and_rabbitmq_is_a_three_node_cluster(objects):
    job = by_kind(objects, "Job")["qubi-migrate"]
    assert "qubi-admin migrate" in " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"])
    cluster = by_kind(objects, "RabbitmqCluster")["qubi-rabbitmq"]
    assert cluster["spec"]["replicas"] == 3
    assert by_kind(objects, "ConfigMap")["qubi-config"]["data"]["QUORUM_QUEUES"] == "1"


def test_two_replicas_of_each_part_talk_to_the_cluster_through_its_service(objects):
    """Each service and the gateway run twice, connected to the RabbitmqCluster's own Service
    (named after the cluster by the operator), and every durable queue is a quorum queue: a node
    or a replica lost, another answers."""
    for name, deployment in by_kind(objects, "Deployment").items():
        assert deployment["spec"]["replicas"] >= 2, name
    for name, autoscaler in by_kind(objects, "HorizontalPodAutoscaler").items():
        assert autoscaler["spec"]["minReplicas"] >= 2, name
    [cluster] = by_kind(objects, "RabbitmqCluster").values()
    assert cluster["spec"]["replicas"] == 3
    environ = {**by_kind(objects, "ConfigMap")["qubi-config"]["data"],
               **by_kind(objects, "Secret")["qubi-secrets"]["stringData"]}
    assert urlsplit(environ["AMQP_URI"]).hostname == cluster["metadata"]["name"]
    assert load_settings({**environ, "QUBI_ENV": "test"}).nameko_config()["QUORUM_QUEUES"] is True


def test_production_runs_in_production_mode_with_the_released_image():
    objects = render("overlays/production")
    assert by_kind(objects, "ConfigMap")["qubi-config"]["data"]["QUBI_ENV"] == "production"
    images = {d["spec"]["template"]["spec"]["containers"][0]["image"]
              for d in by_kind(objects, "Deployment").values()}
    assert images == {"registry.comune.milano.it/rete-qubi:0.1.0"}
    assert by_kind(objects, "HorizontalPodAutoscaler")["qubi-referrals"]["spec"]["minReplicas"] == 3


def test_the_gateway_takes_the_client_address_from_the_ingress_in_front_of_it(objects):
    """Otherwise every client has the ingress's address, and shares one rate limit with all."""
    config = by_kind(objects, "ConfigMap")["qubi-config"]["data"]
    assert config.get("TRUSTED_PROXIES") == "1"


def test_the_manifests_carry_no_secret_and_fail_closed_until_given_the_citys_own(objects):
    """What every pod reads (the ConfigMap and the Secret, as rendered) starts nothing as
    shipped, nor with the code's development secrets; it starts with secrets of one's own."""
    config = by_kind(objects, "ConfigMap")["qubi-config"]["data"]
    secret = by_kind(objects, "Secret")["qubi-secrets"]["stringData"]
    for value in secret.values():
        assert value not in (DEVELOPMENT_SECRET, DEVELOPMENT_DATA_KEY, DEVELOPMENT_CONTEXT_KEY)
    environ = {**config, **secret}
    with pytest.raises(ConfigurationError,
                       match="QUBI_SECRET_KEY.*PERSONAL_DATA_KEYS.*CONTEXT_KEYS"):
        load_settings(environ)
    own = {"QUBI_SECRET_KEY": "s" * 48, "CONTEXT_KEYS": "c" * 48,
           "PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
    with pytest.raises(ConfigurationError):
        load_settings({**environ, **own, "PERSONAL_DATA_KEYS": DEVELOPMENT_DATA_KEY})
    assert not load_settings({**environ, **own}).development


def test_the_gateways_replicas_count_their_rate_limits_in_one_redis(objects):
    """Otherwise each replica counts alone, and a client gets as many times the limits."""
    secret = by_kind(objects, "Secret")["qubi-secrets"]["stringData"]
    assert secret.get("REDIS_URL", "").startswith("redis://")


def test_the_gateways_liveness_probe_asks_the_master_on_its_own_port(objects):
    """A probe answered by a worker waits behind the requests: a busy gateway would be
    restarted for being busy (gateway/liveness.py)."""
    container = by_kind(objects, "Deployment")["qubi-gateway"]["spec"]["template"]["spec"][
        "containers"][0]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    environ = {item["name"]: item["value"] for item in container.get("env", [])}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "liveness"}
    assert load_settings({"QUBI_ENV": "test", **environ}).liveness_port == ports["liveness"]
    assert ports["liveness"] != ports["http"]
