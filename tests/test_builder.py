"""The strategy builder's recipes: every combination is valid or refused with a reason, a
recipe and its exported file run the same, and built strategies obey the world's rules."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agents import plugins, registry
from agents.builder import (
    FIELDS,
    Recipe,
    RecipeError,
    from_file,
    key_of,
    register_recipe,
    strategy_class,
    to_file,
)
from sim import NetworkingModel

CHOICES = [name for name, f in FIELDS.items() if f.kind == "choice"]


def every_combination():
    """Every combination of the choices, with the numbers varied along (strangers on and
    off, the attention filter on and off), so that each block's code is run."""
    options = [list(FIELDS[name].options) for name in CHOICES]
    for i, values in enumerate(itertools.product(*options)):
        yield dict(zip(CHOICES, values, strict=True)) | {
            "strangers": 2 * (i % 3 == 1),
            "min_attention": 0.2 * (i % 4 == 0),
            "few": 1 + i % 4,
            "name": f"Combination {i}",
        }


def test_every_combination_is_valid_or_refused_with_the_choice_at_fault():
    valid = refused = 0
    for choices in every_combination():
        try:
            recipe = Recipe.from_dict(choices)
        except RecipeError as err:
            assert err.field in FIELDS and len(err.message) > 40, err
            refused += 1
            continue
        valid += 1
        assert recipe.describe().endswith(".")
        assert from_file(to_file(recipe)) == recipe  # the round trip through a file
    assert valid > 90 and refused > 0


def test_an_exported_file_is_as_ruff_would_write_it(tmp_path):
    files = []
    for i, choices in enumerate(itertools.islice(every_combination(), 0, None, 7)):
        try:
            recipe = Recipe.from_dict(choices | {"name": f"Q\"uo\\te's {i} é"})
        except RecipeError:
            continue
        files.append(tmp_path / f"s{i}.py")
        files[-1].write_text(to_file(recipe))
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["format", "--check"], ["check", "--no-cache"]):
        done = subprocess.run([ruff, *args, *map(str, files)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "choices, field",
    [
        ({"whom": "nobody"}, "whom"),
        ({"few": 0}, "few"),
        ({"few": 2.5}, "few"),
        ({"min_attention": float("nan")}, "min_attention"),
        ({"min_attention": True}, "min_attention"),
        ({"name": ""}, "name"),
        ({"name": "!!!"}, "name"),
        ({"name": "x" * 41}, "name"),
        ({"name": "bell\x07"}, "name"),
        ({"colour": "red"}, "colour"),
        ({"shout": 1}, "shout"),
        ({"whom": "talked", "answer": "pitch"}, "whom"),  # it would never send anything
    ],
)
def test_a_bad_choice_is_refused_naming_it(choices, field):
    with pytest.raises(RecipeError) as caught:
        Recipe.from_dict(choices)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_names_become_safe_registry_keys():
    assert key_of("Ana's listener") == "anas_listener"
    assert key_of("  3 quick   calls!") == "s_3_quick_calls"
    assert key_of("interact") == "interact_built"  # never a built-in's name
    assert key_of("Broadcasters") == "broadcasters_built"


def test_an_edited_file_is_not_opened_and_says_which_line():
    text = to_file(Recipe(name="Mine", when="every_k", every=4))
    edited = text.replace("% 4 != 0", "% 5 != 0")
    with pytest.raises(RecipeError, match=r"line \d+ was changed"):
        from_file(edited)
    with pytest.raises(RecipeError, match="not made by the strategy builder"):
        from_file("print('hello')\n")
    tampered = text.replace('"few": 3', '"few": 99')
    with pytest.raises(RecipeError, match="few"):
        from_file(tampered)


def _run(key: str, seed: int, steps: int = 40) -> dict:
    model = NetworkingModel(
        rng=seed,
        n_agents=120,
        strategy_mix={key: 1, "interrupt": 1, "interact": 1},
        cold_reach=0,
    )
    model.run_for(steps)
    w = model.world
    return {
        "attention": w.attention.copy(),
        "held": w.held.copy(),
        "conversions": w.conversions.copy(),
        "faded": w.faded.copy(),
    }


@pytest.mark.parametrize("index", range(0, 120, 11))
def test_a_recipe_and_its_exported_file_give_the_same_run(index, tmp_path):
    choices = list(every_combination())[index]
    try:
        recipe = Recipe.from_dict(choices)
    except RecipeError:
        recipe = Recipe.from_dict(choices | {"answer": "in_kind"})
    snapshot = registry.snapshot()
    try:
        register_recipe(recipe)
        built = _run(recipe.key, seed=index)
        registry.unregister(recipe.key)
        path = tmp_path / f"{recipe.key}.py"
        path.write_text(to_file(recipe))
        loaded = plugins.load_file(path)
        assert loaded.ok and loaded.names == [recipe.key], loaded.error
        exported = _run(recipe.key, seed=index)
    finally:
        registry.restore(snapshot)
    for name, values in built.items():
        assert np.array_equal(values, exported[name]), name


def test_built_strategies_obey_the_conversation_capacity():
    """A recipe that asks every contact for a conversation each step gets no more held
    conversations than the world allows: capacity per person and step."""
    recipe = Recipe(name="Talk to all", whom="everyone", how="talk")
    snapshot = registry.snapshot()
    try:
        register_recipe(recipe)
        model = NetworkingModel(rng=2, n_agents=100, strategy_mix={recipe.key: 1})
        capacity = model.params["conversation_capacity"]
        w = model.world
        for _ in range(5):
            before = w.held.copy()
            model.step()
            # each person takes part in at most `capacity` held conversations a step
            new = w.held - before
            per_person = np.bincount(w.src, weights=new, minlength=w.n)
            per_person += np.bincount(w.dst, weights=new, minlength=w.n)
            assert per_person.max() <= capacity
            assert new.sum() < len(w.src)  # far fewer than the openings asked for
    finally:
        registry.restore(snapshot)


def test_a_pitch_never_counts_as_a_conversation():
    """Whatever a built strategy asks, only exchanges answered in kind are held: a recipe
    that pitches, answering with its pitch, holds none of its own."""
    recipe = Recipe(name="Pitcher", whom="everyone", how="pitch", answer="pitch")
    snapshot = registry.snapshot()
    try:
        register_recipe(recipe)
        model = NetworkingModel(rng=4, n_agents=80, strategy_mix={recipe.key: 1})
        model.run_for(20)
        assert model.world.held.sum() == 0
        assert model.world.talks.sum() == 0
    finally:
        registry.restore(snapshot)


def test_a_built_class_carries_its_recipe_name_and_colour():
    recipe = Recipe(name="Quiet one", colour="#0072b2")
    cls = strategy_class(recipe, "quiet_7")
    assert cls.name == cls.group == "quiet_7"
    assert cls.label == "Quiet one" and cls.colour == "#0072B2"
    assert cls.description == recipe.describe()
