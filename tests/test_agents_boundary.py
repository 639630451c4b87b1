"""Dependencies point one way: the world (sim) uses the strategies (agents), and the agents
package imports nothing from sim. Also the registry's public API (look-up by name, the
group rule, snapshot and restore) and the errors' reason codes, which tools such as the
workshop's strategy checker use instead of private names and message text."""

from __future__ import annotations

import ast
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import agents
from agents import (
    Interrupt,
    PersonStrategy,
    Reason,
    RegistrationError,
    RegistrationReason,
    Strategy,
    StrategyError,
    get_strategy_class,
    group_of,
    register,
    registry,
    unregister,
)

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_file_of_agents_imports_sim():
    files = sorted((ROOT / "agents").rglob("*.py"))
    assert len(files) >= 7
    for path in files:
        for name in _imported_modules(path):
            assert name != "sim" and not name.startswith("sim."), (path.name, name)


def test_importing_agents_loads_no_module_of_sim(tmp_path):
    script = textwrap.dedent("""
        import sys
        import agents
        agents.get_strategy("interrupt"), agents.get_strategy("interact")
        print(sorted(m for m in sys.modules if m == "sim" or m.startswith("sim.")))
    """)
    env = {**os.environ, "NETWORKING_STRATEGIES": str(tmp_path)}  # no strategy files
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_strategy_error_is_the_agents_one_everywhere():
    import sim
    import sim.world

    assert sim.StrategyError is sim.world.StrategyError is StrategyError
    assert StrategyError.__module__ == "agents.errors"
    assert issubclass(StrategyError, RuntimeError)


def test_strategy_error_carries_its_reason_and_survives_pickling():
    err = StrategyError(Reason.BAD_TIE, "mine", "decide", "gave a tie index that is wrong")
    assert str(err) == "strategy 'mine': decide() gave a tie index that is wrong"
    back = pickle.loads(pickle.dumps(err))  # sweeps raise it in worker processes
    assert type(back) is StrategyError and str(back) == str(err)
    assert (back.reason, back.strategy, back.method, back.detail) == (
        Reason.BAD_TIE,
        "mine",
        "decide",
        "gave a tie index that is wrong",
    )
    assert Reason("bad_tie") is Reason.BAD_TIE and Reason.BAD_TIE == "bad_tie"
    with pytest.raises(ValueError):
        StrategyError("no_such_reason", "mine", "decide", "?")  # the set of codes is closed


# -- the registry ------------------------------------------------------------------------------
class _Temporary(PersonStrategy):
    name = "boundary_temporary"

    def choose(self, world, me):
        return []


def test_a_class_is_looked_up_by_name_without_making_one():
    assert get_strategy_class("interrupt") is Interrupt
    assert isinstance(agents.get_strategy("interrupt"), Interrupt)
    with pytest.raises(KeyError, match="did you mean 'interrupt'"):
        get_strategy_class("interupt")


def test_the_group_of_a_strategy_is_its_group_or_else_its_name():
    assert group_of(Interrupt) == group_of(Interrupt()) == "broadcasters"
    assert group_of(agents.Interact) == "interactors"
    assert group_of(_Temporary) == group_of(_Temporary()) == "boundary_temporary"


def test_snapshot_and_restore_put_the_registry_back():
    before = set(agents.available_strategies())
    saved = registry.snapshot()
    assert set(saved) == before and saved["interrupt"] is Interrupt
    with pytest.raises(TypeError):
        saved["x"] = Interrupt  # read-only
    register(_Temporary)
    unregister("interrupt")
    try:
        assert "boundary_temporary" not in saved  # a copy: later changes are not in it
        assert set(agents.available_strategies()) == before - {"interrupt"} | {_Temporary.name}
    finally:
        registry.restore(saved)
    assert set(agents.available_strategies()) == before
    assert get_strategy_class("interrupt") is Interrupt
    with pytest.raises(KeyError):
        get_strategy_class(_Temporary.name)


def test_registration_errors_have_reason_codes():
    def refused(cls):
        with pytest.raises(RegistrationError) as err:
            register(cls)
        return err.value

    err = refused(int)
    assert err.reason == RegistrationReason.NOT_A_STRATEGY and isinstance(err, TypeError)
    err = refused(type("Bad", (Strategy,), {"name": "two words"}))
    assert (err.reason, err.value) == (RegistrationReason.BAD_NAME, "two words")
    assert isinstance(err, ValueError) and not isinstance(err, TypeError)
    err = refused(type("Bad", (Strategy,), {"name": "ok_name", "group": "all"}))
    assert (err.reason, err.value) == (RegistrationReason.BAD_GROUP, "all")
    err = refused(type("Other", (Strategy,), {"name": "interrupt"}))
    assert (err.reason, err.value) == (RegistrationReason.NAME_TAKEN, "interrupt")
    assert "already registered as 'interrupt'" in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.reason, back.value, str(back)) == (
        RegistrationError,
        err.reason,
        err.value,
        str(err),
    )


# -- the strategy checker uses the public API and the codes ------------------------------------
def test_the_checker_reads_no_private_name_of_the_registry_and_has_advice_for_every_reason():
    from workshop import strategy_check

    tree = ast.parse((ROOT / "workshop" / "strategy_check.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("registry", "plugins", "agents")
        ):
            assert not node.attr.startswith("_"), (node.lineno, node.attr)
    for reason in Reason:
        assert strategy_check.ADVICE[(reason, None)]
        for method in ("decide", "reply", "choose", "answer"):
            assert strategy_check.advice_for(StrategyError(reason, "x", method, "?"))
