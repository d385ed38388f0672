"""The ModelPool: a model is loaded once per pool and shared across threads; the pool holds at most its capacity."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from notulist.recognition.model_pool import ModelPool
from notulist.recognition.whisper_model import choose_device, resolve_model


def test_a_pool_holds_at_least_one_model() -> None:
    with pytest.raises(ValueError):
        ModelPool(capacity=0)


@pytest.mark.slow
def test_one_load_per_model_shared_by_threads_and_bounded() -> None:
    spec, cpu = resolve_model(None), choose_device("cpu")
    pool = ModelPool(capacity=1)
    with ThreadPoolExecutor(max_workers=3) as threads:
        models = list(threads.map(lambda _: pool.get(spec, cpu, 1), range(3)))
    assert models[0] is models[1] is models[2] and len(pool) == 1
    other = pool.get(spec, cpu, 2)  # another thread count is another model: the least recently used one goes
    assert other is not models[0] and len(pool) == 1
    assert pool.get(spec, cpu, 2) is other
    assert ModelPool().get(spec, cpu, 2) is not other  # pools share nothing
