"""One change to an object's attribute, undone exactly: descriptors stay descriptors, inherited ones stay inherited."""

from __future__ import annotations

import types

from rasa_extensions.speedups.patch import Patch


class Base:
    def inherited(self) -> str:
        return "base"


class Owner(Base):
    def method(self) -> str:
        return "shipped"

    @staticmethod
    def static(value: int) -> int:
        return value + 1

    @classmethod
    def named(cls) -> str:
        return cls.__name__


class Child(Owner):
    pass


def patch(attribute: str, replacement: object, owner: object = Owner) -> Patch:
    return Patch(f"test_{attribute}", owner, attribute, replacement, "for the test")


def test_a_method_is_replaced_and_put_back() -> None:
    shipped = vars(Owner)["method"]
    change = patch("method", lambda self: "faster")
    assert not change.is_applied()
    change.apply()
    assert change.is_applied() and Owner().method() == "faster" and Child().method() == "faster"
    change.undo()
    assert not change.is_applied()
    assert vars(Owner)["method"] is shipped and Owner().method() == "shipped"


def test_a_staticmethod_is_put_back_as_a_staticmethod() -> None:
    """Putting back the bare function would make ``Owner().static(1)`` receive the instance as ``value``."""
    shipped = vars(Owner)["static"]
    change = patch("static", staticmethod(lambda value: value * 10))
    change.apply()
    assert Owner().static(2) == 20 and change.is_applied()
    change.undo()
    assert vars(Owner)["static"] is shipped
    assert Owner().static(1) == 2 and Owner.static(1) == 2


def test_a_classmethod_is_put_back_as_a_classmethod() -> None:
    shipped = vars(Owner)["named"]
    change = patch("named", classmethod(lambda cls: f"patched {cls.__name__}"))
    change.apply()
    assert Child.named() == "patched Child"
    change.undo()
    assert vars(Owner)["named"] is shipped
    assert Child.named() == "Child" and Owner().named() == "Owner"


def test_an_inherited_attribute_is_removed_again_not_copied_onto_the_owner() -> None:
    """Copying Base's method onto Owner on undo would hide later changes to Base from Owner."""
    change = patch("inherited", lambda self: "patched")
    change.apply()
    assert Owner().inherited() == "patched" and Base().inherited() == "base"
    assert change.is_applied()
    change.undo()
    assert "inherited" not in vars(Owner)
    assert Owner().inherited() == "base" and not change.is_applied()


def test_a_patch_is_applied_only_while_its_own_replacement_is_in_place() -> None:
    """``installed()`` must not report a patch that someone else's change has since replaced."""
    replacement = lambda self: "ours"  # noqa: E731 - the identity is what matters
    change = patch("method", replacement)
    change.apply()
    try:
        Owner.method = lambda self: "someone else's"  # type: ignore[method-assign]
        assert not change.is_applied()
        Owner.method = replacement  # type: ignore[method-assign]
        assert change.is_applied()
    finally:
        change.undo()
    assert Owner().method() == "shipped"


def test_patching_a_subclass_leaves_its_parent_alone() -> None:
    change = patch("method", lambda self: "faster", owner=Child)
    change.apply()
    try:
        assert Child().method() == "faster" and Owner().method() == "shipped"
    finally:
        change.undo()
    assert "method" not in vars(Child) and Child().method() == "shipped"


def test_a_module_constant_is_replaced_and_put_back() -> None:
    """As ``action_timeout`` changes Rasa's ``DEFAULT_REQUEST_TIMEOUT``."""
    module = types.ModuleType("rasa_like")
    module.DEFAULT_REQUEST_TIMEOUT = 300  # type: ignore[attr-defined]
    change = patch("DEFAULT_REQUEST_TIMEOUT", 3.0, owner=module)
    change.apply()
    assert module.DEFAULT_REQUEST_TIMEOUT == 3.0 and change.is_applied()
    change.undo()
    assert module.DEFAULT_REQUEST_TIMEOUT == 300 and not change.is_applied()


def test_an_attribute_the_owner_never_had_is_removed_again() -> None:
    change = patch("added_later", 1)
    change.apply()
    assert Owner.added_later == 1  # type: ignore[attr-defined]
    change.undo()
    assert not hasattr(Owner, "added_later")
