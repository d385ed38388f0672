"""Running a batch on Ray: a pool of ``TranscriptionWorker`` actors, one recording at a time each.

With GPUs (and a device other than ``cpu``) there is one actor per GPU (``num_gpus=1``); Whisper then runs in
float16 (the default compute type on CUDA). On CPUs the cores are split between the actors: each gets
``threads`` cores for CTranslate2 (``--threads``, or the cores divided by the number of workers).
An actor that dies (killed, out of memory, its machine lost) is replaced by a new one; its recording is tried once
more and then reported as failed. Nothing of a dead actor's work reaches the sessions folder: sessions are written
there only by this process, whole and verified (``transfer.install_session``).
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from notulist.batch.jobs import Job, JobResult
from notulist.batch.model import WorkerInfo
from notulist.batch.ray_cluster import Cluster, RayUnavailable, connect, start_local, stop
from notulist.batch.ray_worker import TranscriptionWorker, WorkerReply, remove_stale_workdirs
from notulist.batch.transfer import install_session
from notulist.core.errors import NotulistError
from notulist.pipeline.run import PipelineOptions

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 600.0
CLOSE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class WorkerPlan:
    count: int
    num_cpus: float
    num_gpus: float
    threads: int

    def describe(self) -> str:
        if self.num_gpus:
            return f"{self.count} worker(s), one GPU each (float16)"
        return f"{self.count} worker(s), {self.threads} CPU thread(s) each"


def plan_workers(cluster: Cluster, requested: int | None, options: PipelineOptions) -> WorkerPlan:
    """How many actors and what each needs, from what the cluster has."""
    if options.device != "cpu" and cluster.gpus >= 1:
        count = min(requested or int(cluster.gpus), int(cluster.gpus))
        threads = options.cpu_threads or max(1, int(cluster.cpus // max(count, 1)))
        return WorkerPlan(count, num_cpus=1, num_gpus=1, threads=threads)
    if options.device == "cuda":
        raise RayUnavailable("the Ray cluster has no GPU for the cuda device: choose the device auto or cpu")
    count = requested or max(1, int(cluster.cpus // 4))
    threads = options.cpu_threads or max(1, int(cluster.cpus // count))
    threads = max(1, min(threads, int(cluster.largest_node_cpus) or threads))
    return WorkerPlan(count, num_cpus=threads, num_gpus=0, threads=threads)


class RayBackend:
    """Start with ``RayBackend.start``; ``close`` stops the actors (and a local Ray instance)."""

    def __init__(self, cluster: Cluster, plan: WorkerPlan, options: PipelineOptions, sessions_dir: Path) -> None:
        import ray

        self.cluster = cluster
        self.plan = plan
        self._ray = ray
        self._options = replace(options, cpu_threads=plan.threads)
        self._sessions_dir = Path(sessions_dir)
        self._actor_class = ray.remote(TranscriptionWorker).options(
            num_cpus=plan.num_cpus, num_gpus=plan.num_gpus, max_restarts=0, max_task_retries=0
        )
        self._idle: list[tuple[Any, WorkerInfo]] = []
        self._inflight: dict[Any, tuple[Job, Any, WorkerInfo]] = {}
        self._started = 0
        self.workers: list[dict[str, Any]] = []

    @classmethod
    def start(
        cls, options: PipelineOptions, sessions_dir: Path, workers: int | None, address: str | None
    ) -> RayBackend:
        """Start (or join) Ray, start the actors and wait until each has loaded its models."""
        if address:
            cluster = connect(address)
        else:  # room for every worker, also when --threads asks for more cores than the machine has
            cluster = start_local(max((workers or 1) * (options.cpu_threads or 1), os.cpu_count() or 1))
        try:
            backend = cls(cluster, plan_workers(cluster, workers, options), options, sessions_dir)
            backend._start_actors()
        except BaseException:
            stop(cluster)
            raise
        return backend

    def _start_actors(self) -> None:
        actors = [self._new_actor() for _ in range(self.plan.count)]
        refs = {actor.describe.remote(): (actor, info) for actor, info in actors}
        ready, waiting = self._ray.wait(list(refs), num_returns=len(refs), timeout=READY_TIMEOUT_S)
        for ref in waiting:
            self._ray.kill(refs[ref][0])
        for ref in ready:
            actor, info = refs[ref]
            described = self._ray.get(ref)
            if described.get("error"):
                raise NotulistError(f"the batch workers cannot load the models: {described['error']}")
            self.workers.append(described)
            self._idle.append((actor, replace(info, pid=described["pid"])))
        if not self._idle:
            raise RayUnavailable(f"no Ray worker started within {READY_TIMEOUT_S:.0f} s: the cluster has no room")

    def _new_actor(self) -> tuple[Any, WorkerInfo]:
        self._started += 1
        return self._actor_class.remote(self._options), WorkerInfo(f"worker {self._started}")

    def _replace_actor(self) -> None:
        """Start a new actor for a dead one and wait for it (the other actors keep working meanwhile)."""
        from ray.exceptions import GetTimeoutError, RayActorError

        actor, info = self._new_actor()
        try:
            described = self._ray.get(actor.describe.remote(), timeout=READY_TIMEOUT_S)
        except (GetTimeoutError, RayActorError) as exc:
            log.warning("no replacement worker could be started: %s", exc)
            self._ray.kill(actor)
            return
        if described.get("error"):
            self._ray.kill(actor)
            return
        self.workers.append(described)
        self._idle.append((actor, replace(info, pid=described["pid"])))

    def free_slots(self) -> int:
        return len(self._idle)

    def running(self) -> int:
        return len(self._inflight)

    def submit(self, job: Job) -> WorkerInfo:
        audio = job.recording.path.read_bytes()  # an OSError here leaves every worker free
        actor, info = self._idle.pop(0)
        ref = actor.transcribe.remote(job.recording.path.name, audio, str(job.recording.path))
        self._inflight[ref] = (job, actor, info)
        return info

    def collect(self, timeout_s: float) -> list[JobResult]:
        if not self._inflight:
            return []
        ready, _ = self._ray.wait(list(self._inflight), num_returns=1, timeout=timeout_s)
        return [self._result(ref) for ref in ready]

    def _result(self, ref: Any) -> JobResult:
        from ray.exceptions import RayActorError, RayTaskError, WorkerCrashedError

        job, actor, info = self._inflight.pop(ref)
        try:
            reply: WorkerReply = self._ray.get(ref)
        except (RayActorError, WorkerCrashedError) as exc:
            log.warning("%s stopped while transcribing %s: %s", info.label, job.recording.path, exc)
            self._replace_actor()
            reason = f"the worker stopped while transcribing it ({type(exc).__name__})"
            return JobResult(job, error=reason, worker_lost=True, worker=info)
        except RayTaskError as exc:
            self._idle.append((actor, info))
            cause = exc.cause if exc.cause is not None else exc
            return JobResult(
                job, error=f"unexpected error in the worker ({type(cause).__name__}: {cause})", worker=info
            )
        self._idle.append((actor, info))
        if reply.error is not None or reply.name is None:
            return JobResult(job, error=reply.error or "the worker sent nothing back", wall_s=reply.wall_s, worker=info)
        try:
            session = install_session(self._sessions_dir, reply.name, reply.files)
        except NotulistError as exc:
            return JobResult(job, error=str(exc), wall_s=reply.wall_s, worker=info)
        return JobResult(job, session.path, audio_s=reply.audio_s, wall_s=reply.wall_s, worker=info)

    def close(self) -> None:
        """Stop every actor (idle ones first remove their temporary folders) and disconnect from Ray."""
        from ray.exceptions import GetTimeoutError, RayActorError

        try:
            self._ray.get([actor.close.remote() for actor, _ in self._idle], timeout=CLOSE_TIMEOUT_S)
        except (GetTimeoutError, RayActorError) as exc:
            log.warning("a worker did not clean up: %s", exc)
        for actor in [actor for actor, _ in self._idle] + [actor for _, actor, _ in self._inflight.values()]:
            self._ray.kill(actor)
        self._idle.clear()
        self._inflight.clear()
        stop(self.cluster)
        if self.cluster.local:  # the folders of actors that were killed, on this machine
            for described in self.workers:
                shutil.rmtree(described["workdir"], ignore_errors=True)
            remove_stale_workdirs()
