"""Starting a local Ray instance (loopback only, nothing reported) or connecting to an organisation's cluster.

A local instance is started with the environment below, set before Ray is first imported in this process and
inherited by every process Ray starts:

- ``RAY_USAGE_STATS_ENABLED=0``: no usage statistics.
- ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``: Ray's single-machine mode; the node address is 127.0.0.1, every Ray
  server listens on 127.0.0.1 only, and Ray does not connect to a public resolver address to learn its own IP.
- ``http_proxy``/``https_proxy`` pointing at a closed loopback port (``no_proxy`` for loopback) while Ray starts:
  Ray's usage module asks cloud metadata addresses (169.254.169.254, metadata.google.internal) which cloud it runs
  on even with statistics off; these requests now fail on loopback instead of leaving the machine. The workers get
  the user's own proxy settings back (``runtime_env``), so a language-model server on the user's network still works.
- ``RAY_AUTH_MODE=token`` (unless set otherwise): Ray's own default for a local instance (a token under
  ``~/.ray``), chosen explicitly so Ray does not print a notice about it.
- ``ORT_DISABLE_TELEMETRY=1`` for onnxruntime (voice activity detection) in every worker.

The dashboard is off (``include_dashboard=False``). Checked with ``strace -f -e trace=connect,bind`` and ``ss``:
see the README section on ``notulist batch``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from notulist.core.errors import NotulistError

PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY")
CLOSED_LOOPBACK_PROXY = "http://127.0.0.1:9"
LOOPBACK = "127.0.0.1,localhost,::1"
LOCAL_ENVIRONMENT = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "ORT_DISABLE_TELEMETRY": "1",
}
WORKER_ENVIRONMENT = {"RAY_USAGE_STATS_ENABLED": "0", "ORT_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1"}


class RayUnavailable(NotulistError):
    """Ray is not installed, or a cluster cannot be reached or started."""


@dataclass(frozen=True)
class Cluster:
    """A Ray instance this process is connected to: started here (``local``) or an existing cluster."""

    local: bool
    address: str
    cpus: float
    gpus: float
    largest_node_cpus: float


def start_local(num_cpus: int) -> Cluster:
    """Start a private Ray instance on this machine, on loopback only; stop it with ``stop``."""
    if "ray" in sys.modules and not _loopback_mode(sys.modules["ray"]):
        raise RayUnavailable(
            "Ray was already loaded in this process before notulist could keep it on this machine only; "
            "start the batch in a new process"
        )
    os.environ.update(LOCAL_ENVIRONMENT)
    os.environ.setdefault("RAY_AUTH_MODE", "token")  # Ray's default for a local instance, chosen explicitly
    user_proxies = _worker_proxies()
    ray = _import_ray()
    for attempt in (1, 2):  # Ray gives its processes 30 s to register: a busy machine can miss that once
        try:
            with _cloud_probes_to_loopback():
                ray.init(
                    num_cpus=num_cpus,
                    include_dashboard=False,
                    _node_ip_address="127.0.0.1",
                    configure_logging=False,
                    log_to_driver=False,
                    runtime_env={"env_vars": {**WORKER_ENVIRONMENT, **user_proxies}},
                )
            break
        except Exception as exc:  # Ray raises a bare Exception when its processes do not come up in time
            ray.shutdown()
            if attempt == 2:
                raise RayUnavailable(
                    f"the local Ray instance did not start ({exc}); the machine may be too busy: try again, or "
                    "run the batch in this process"
                ) from exc
    cluster = _describe(ray, local=True)
    if cluster.address.split(":")[0] != "127.0.0.1":
        stop(cluster)
        raise RayUnavailable(f"the local Ray instance is not on loopback ({cluster.address}); nothing was started")
    return cluster


def connect(address: str) -> Cluster:
    """Join an existing Ray cluster as a driver (``ray://host:port`` or ``host:port``)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = _import_ray()
    try:
        ray.init(
            address=address,
            configure_logging=False,
            log_to_driver=False,
            runtime_env={"env_vars": dict(WORKER_ENVIRONMENT)},
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailable(f"cannot reach the Ray cluster at {address} ({exc}): check the address") from exc
    return _describe(ray, local=False)


def stop(cluster: Cluster) -> None:
    """Disconnect; a local instance is shut down with all its processes."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable("Ray is not installed: pip install 'notulist[ray]'") from exc
    return ray


def _worker_proxies() -> dict[str, str]:
    """The user's proxy settings for the workers, with loopback always reached directly."""
    proxies = {name: os.environ.get(name, "") for name in PROXY_VARIABLES}
    for name in ("no_proxy", "NO_PROXY"):
        proxies[name] = ",".join(part for part in (proxies[name], LOOPBACK) if part)
    return proxies


def _loopback_mode(ray: Any) -> bool:
    return not ray._private.ray_constants.ENABLE_RAY_CLUSTER


@contextmanager
def _cloud_probes_to_loopback() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in PROXY_VARIABLES}
    os.environ.update({"http_proxy": CLOSED_LOOPBACK_PROXY, "https_proxy": CLOSED_LOOPBACK_PROXY})
    os.environ.update({"HTTP_PROXY": CLOSED_LOOPBACK_PROXY, "HTTPS_PROXY": CLOSED_LOOPBACK_PROXY})
    os.environ.update({"no_proxy": LOOPBACK, "NO_PROXY": LOOPBACK})
    try:
        yield
    finally:
        _restore(saved)


def _restore(saved: Mapping[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _describe(ray: Any, local: bool) -> Cluster:
    nodes = [node for node in ray.nodes() if node.get("Alive")]
    resources = ray.cluster_resources()
    address = nodes[0]["NodeManagerAddress"] if local and nodes else str(ray.get_runtime_context().gcs_address)
    return Cluster(
        local=local,
        address=address,
        cpus=float(resources.get("CPU", 0)),
        gpus=float(resources.get("GPU", 0)),
        largest_node_cpus=max((float(n.get("Resources", {}).get("CPU", 0)) for n in nodes), default=0.0),
    )
