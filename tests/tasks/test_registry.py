from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from azr_env.errors import DuplicateNameError, UnknownNameError
from azr_env.tasks import registry
from azr_env.tasks.deduction import Deduction


@pytest.fixture
def restore_registry() -> Iterator[None]:
    saved = dict(registry._REGISTRY), dict(registry._INSTANCES), registry._entry_points_loaded
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved[0])
    registry._INSTANCES.clear()
    registry._INSTANCES.update(saved[1])
    registry._entry_points_loaded = saved[2]


def test_builtins_are_registered_in_order() -> None:
    assert registry.list_task_types()[:3] == ["deduction", "abduction", "induction"]


def test_get_task_type_returns_an_instance() -> None:
    assert isinstance(registry.get_task_type("deduction"), Deduction)


def test_unknown_name_suggests_close_names() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'deduction'"):
        registry.get_task_type("deductoin")


@pytest.mark.usefixtures("restore_registry")
def test_registering_another_class_under_a_taken_name_fails() -> None:
    with pytest.raises(DuplicateNameError):
        registry.register_task_type(type("Other", (Deduction,), {"name": "deduction"}))


@pytest.mark.usefixtures("restore_registry")
def test_entry_point_types_are_loaded_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = type("Plugin", (Deduction,), {"name": "plugin-type"})
    fake = SimpleNamespace(name="plugin-type", load=lambda: plugin)
    monkeypatch.setattr(registry, "entry_points", lambda group: [fake] if group == registry.ENTRY_POINT_GROUP else [])
    registry._entry_points_loaded = False
    assert isinstance(registry.get_task_type("plugin-type"), plugin)


@pytest.mark.usefixtures("restore_registry")
def test_a_broken_plugin_warns_and_leaves_builtins_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ImportError("missing dependency")

    monkeypatch.setattr(registry, "entry_points", lambda group: [SimpleNamespace(name="broken", load=broken)])
    registry._entry_points_loaded = False
    with pytest.warns(UserWarning, match="broken"):
        assert "deduction" in registry.list_task_types()


def test_resolve_accepts_an_import_path() -> None:
    assert isinstance(registry.resolve_task_type("azr_env.tasks.deduction:Deduction"), Deduction)


def test_resolve_unknown_class_suggests_names() -> None:
    with pytest.raises(UnknownNameError, match="Deduction"):
        registry.resolve_task_type("azr_env.tasks.deduction:Deducton")
