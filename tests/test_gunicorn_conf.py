"""gunicorn.conf.py: the settings a deployment runs with."""

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load_conf(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_worker_freezes_what_is_alive_after_its_first_requests(monkeypatch, unfrozen):
    conf = load_conf(monkeypatch, GUNICORN_GC_FREEZE_AFTER="3")
    worker = SimpleNamespace(nr=0)
    for nr in (1, 2):
        worker.nr = nr
        conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() == 0
    worker.nr = 3
    conf.post_request(worker, None, {}, None)
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # Django, the app, its templates
    # Only once: later requests leave the frozen set as it is.
    worker.nr = 4
    conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == frozen


def test_a_freeze_after_of_zero_leaves_the_collector_alone(monkeypatch, unfrozen):
    conf = load_conf(monkeypatch, GUNICORN_GC_FREEZE_AFTER="0")
    for nr in range(1, 60):
        conf.post_request(SimpleNamespace(nr=nr), None, {}, None)
    assert gc.get_freeze_count() == 0
