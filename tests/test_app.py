"""The app's page logic in-process (no browser): buttons, controls, reset, play."""

from __future__ import annotations

import time

import ipyvuetify as v
import pytest
import solara

import app
from sim.params import defaults


@pytest.fixture
def page():
    session = app.Session(defaults(), 0)
    box, rc = solara.render(solara.AppLayout(children=[app.Page(session=session)]),
                            handle_error=False)
    yield session, rc
    rc.close()


def click(rc, label):
    rc.find(v.Btn, children=[label]).widget.click()


def test_step_button_advances_the_run_and_the_views(page):
    session, rc = page
    click(rc, "Step")
    click(rc, "Step")
    assert session.run.steps == 2
    chart = session.charts["attention"]
    assert len(chart.data) == 3  # the start and two steps
    assert session.view.opacity  # the network view got this step's opacities


def test_reset_starts_again_and_keeps_the_old_curves_faint(page):
    session, rc = page
    for _ in range(3):
        click(rc, "Step")
    old_view = session.view
    click(rc, "Reset")
    assert session.run.steps == 0
    assert session.view is not old_view
    assert len(session.charts["attention"].ghosts) > 0


def test_a_live_switch_applies_at_once(page):
    session, rc = page
    switch = rc.find(v.Switch, label="Habituation").widget
    switch.v_model = False
    assert session.run.model.params["habituation_on"] is False


def test_a_structural_change_waits_for_reset(page):
    session, rc = page
    select = rc.find(v.Select, label="Network").widget
    select.v_model = "karate"
    assert session.run.model.params["network"] == "watts_strogatz"
    assert rc.find(children=["Applies when you press Reset."]).widgets
    click(rc, "Reset")
    assert session.run.model.params["network"] == "karate"
    assert session.run.model.world.n == 34


def test_play_runs_until_paused(page):
    session, rc = page
    click(rc, "Play")
    deadline = time.time() + 10
    while session.run.steps < 3 and time.time() < deadline:
        time.sleep(0.05)
    click(rc, "Pause")
    time.sleep(0.3)
    stopped_at = session.run.steps
    assert stopped_at >= 3
    time.sleep(0.5)
    assert session.run.steps == stopped_at


def test_choosing_a_scenario_sets_every_parameter_and_starts_again(page):
    session, rc = page
    click(rc, "Step")
    select = rc.find(v.Select, label="Scenario").widget
    select.v_model = "The captive audience"
    assert session.run.steps == 0
    assert session.run.model.params["habituation_on"] is False
    select.v_model = "A real network: the karate club"
    assert session.run.model.world.n == 34
    assert session.run.model.params["habituation_on"] is True  # back to the defaults
