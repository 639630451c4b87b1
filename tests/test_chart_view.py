"""The classroom line chart widget (classroom/chart_view.py), in process, without a browser."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pytest
import traitlets

from classroom.chart_view import MAX_GHOSTS, LineChart

SERIES = [
    {"key": "broadcasters", "label": "Broadcasters"},
    {"key": "interactors", "label": "Interactors"},
    {"key": "others", "label": "Others"},
]


@pytest.fixture
def chart(monkeypatch):
    c = LineChart(title="Trust earned", y_label="trust (0-1)", series=SERIES, y_min=0.0, y_max=1.0)
    sent: list[tuple[dict, list | None]] = []
    monkeypatch.setattr(c, "send", lambda content, buffers=None: sent.append((content, buffers)))
    c.sent = sent
    return c


def values(i: int) -> dict[str, float]:
    return {"broadcasters": 0.1 + i / 100, "interactors": 0.5 - i / 300, "others": 1 / 3}


def test_series_defaults_give_every_series_its_own_dash_and_marker():
    c = LineChart(series=[{"key": "a"}, {"key": "b"}, {"key": "c"}])
    assert [s["label"] for s in c.series] == ["a", "b", "c"]
    assert len({tuple(s["dash"]) for s in c.series}) == 3
    assert len({s["marker"] for s in c.series}) == 3
    assert all(s["color"].startswith("#") for s in c.series)
    assert c.x_label == "step" and c.y_min is None and c.y_max is None
    assert c.history == b"" and c.ghosts == b"" and c.data.shape == (0, 4)


def test_bad_series_are_refused():
    with pytest.raises(Exception, match="key"):
        LineChart(series=[{"label": "no key"}])
    with pytest.raises(Exception, match="twice"):
        LineChart(series=[{"key": "a"}, {"key": "a"}])
    with pytest.raises(Exception, match="marker"):
        LineChart(series=[{"key": "a", "marker": "star"}])


def test_appends_accumulate_in_data(chart):
    for i in range(300):  # past the initial buffer: it grows
        chart.append(i, values(i))
    d = chart.data
    assert d.shape == (300, 4) and d.dtype == np.float64
    np.testing.assert_array_equal(d[:, 0], np.arange(300))
    np.testing.assert_allclose(d[5, 1:], [0.15, 0.5 - 5 / 300, 1 / 3])
    d[0, 0] = 99  # a copy: the chart keeps its own
    assert chart.data[0, 0] == 0


def test_append_sends_a_small_message_and_does_not_resend_history(chart):
    chart.append(0, values(0))
    chart.sync()
    before = chart.history
    for i in range(1, 50):
        chart.append(i, values(i))
    assert chart.history == before  # no resend of the run per frame
    assert len(chart.sent) == 50
    content, buffers = chart.sent[-1]
    assert buffers is None
    assert list(content) == ["append"]
    assert content["append"][0] == 49
    assert content["append"][1:] == pytest.approx(list(values(49).values()), rel=1e-6)
    size = len(json.dumps(content).encode())
    assert size < 200, size
    # the worst case for 3 series: long negative floats with exponents
    chart.append(123456.789, [-1.2345678e-10, -9.8765432e20, math.pi])
    assert len(json.dumps(chart.sent[-1][0]).encode()) < 200


def test_sync_sets_history_to_float32_bytes_of_the_run(chart):
    for i in range(10):
        chart.append(i, values(i))
    chart.sync()
    assert chart.history == chart.data.astype("<f4").tobytes()
    back = np.frombuffer(chart.history, dtype="<f4").reshape(-1, 4)
    np.testing.assert_allclose(back, chart.data, rtol=1e-6)


def test_a_view_that_connects_late_gets_a_resync(chart):
    for i in range(5):
        chart.append(i, values(i))
    assert chart.history == b""
    chart._on_front_end_msg(chart, {"sync": 1}, [])  # what the browser sends on render
    assert chart.history == chart.data.astype("<f4").tobytes()


def test_nan_values_are_kept(chart):
    chart.append(0, {"broadcasters": float("nan"), "interactors": 0.4, "others": math.inf})
    d = chart.data
    assert math.isnan(d[0, 1]) and d[0, 2] == 0.4 and math.isinf(d[0, 3])
    content, _ = chart.sent[-1]
    assert content["append"] == [0, None, 0.4, None]  # null in JSON: no value
    json.loads(json.dumps(content, allow_nan=False))  # valid strict JSON
    chart.sync()
    assert np.isnan(np.frombuffer(chart.history, dtype="<f4")[1])


def test_series_key_mismatch_raises_naming_the_key(chart):
    with pytest.raises(ValueError, match="'trolls'"):
        chart.append(0, {**values(0), "trolls": 1.0})
    with pytest.raises(ValueError, match="'others'"):
        chart.append(0, {"broadcasters": 0.1, "interactors": 0.2})
    with pytest.raises(ValueError, match="2 values for 3 series"):
        chart.append(0, [0.1, 0.2])
    assert chart.data.shape == (0, 4) and chart.sent == []


def test_reset_keep_moves_the_run_into_ghosts_at_most_three(chart):
    runs = []
    for r in range(5):
        for i in range(4 + r):
            chart.append(i, values(i + r))
        runs.append(chart.data)
        chart.reset(keep=True)
        assert chart.data.shape == (0, 4)
        assert chart.history == b""
        kept = chart.ghost_runs
        assert len(kept) == min(r + 1, MAX_GHOSTS)
        for got, want in zip(kept, runs[-MAX_GHOSTS:], strict=True):
            np.testing.assert_array_equal(got, want)
    # ghosts: float32 rows, runs separated by a row of all-NaN
    g = np.frombuffer(chart.ghosts, dtype="<f4").reshape(-1, 4)
    sep = np.flatnonzero(np.isnan(g).all(axis=1))
    assert len(sep) == MAX_GHOSTS - 1
    assert len(g) == sum(len(x) for x in runs[-MAX_GHOSTS:]) + MAX_GHOSTS - 1
    np.testing.assert_allclose(g[: sep[0]], runs[-MAX_GHOSTS], rtol=1e-6)


def test_reset_without_keep_drops_ghosts_and_keep_count_limits(chart):
    for r in range(3):
        chart.append(0, values(r))
        chart.reset(keep=True)
    assert len(chart.ghost_runs) == 3
    chart.append(0, values(9))
    chart.reset(keep=1)
    assert len(chart.ghost_runs) == 1 and chart.ghost_runs[0][0, 1] == pytest.approx(0.19)
    chart.reset()
    assert chart.ghost_runs == [] and chart.ghosts == b""


def test_reset_with_given_ghost_runs(chart):
    given = [np.array([[0, 0.1, 0.2, 0.3], [1, 0.2, 0.3, 0.4]]) for _ in range(5)]
    chart.reset(given)
    assert len(chart.ghost_runs) == MAX_GHOSTS
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        chart.reset([np.zeros((3, 2))])


def test_set_data_replaces_the_run_and_syncs(chart):
    rows = np.array([[0, 0.1, 0.2, np.nan], [1, 0.2, 0.3, 0.4]])
    chart.set_data(rows)
    np.testing.assert_array_equal(chart.data, rows)
    assert chart.history == rows.astype("<f4").tobytes()
    chart.append(2, values(2))
    assert chart.data.shape == (3, 4)


def test_changing_the_series_clears_the_run(chart):
    chart.append(0, values(0))
    chart.reset(keep=True)
    chart.append(1, values(1))
    chart.series = [{"key": "x"}]
    assert chart.data.shape == (0, 2) and chart.ghost_runs == []
    assert chart.history == b"" and chart.ghosts == b""
    chart.append(0, {"x": 1.0})
    assert chart.data.shape == (1, 2)


def test_front_end_code_is_inline_and_offline():
    esm, css = str(LineChart._esm), str(LineChart._css)
    assert "http://" not in esm and "https://" not in esm and "import " not in esm
    assert "export default" in esm and "requestAnimationFrame" in esm
    assert "ResizeObserver" in esm and "toDataURL" in esm and 'role", "img"' in esm
    assert "lc-sr" in css


def test_front_end_code_parses(tmp_path):
    node = shutil.which("node")  # ./dev setup needs npm, so node is there too
    assert node is not None, "node is needed to check the chart's JavaScript"
    src = tmp_path / "chart.mjs"
    src.write_text(str(LineChart._esm))
    done = subprocess.run([node, "--check", str(src)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_front_end_has_no_motion_of_its_own():
    """Nothing for prefers-reduced-motion to stop: no CSS transition or animation, no timer
    that redraws; a frame is drawn (at most once per animation frame) only when data arrive."""
    esm, css = str(LineChart._esm), str(LineChart._css)
    assert "transition" not in css and "animation" not in css
    assert "setInterval" not in esm


def test_scale_is_a_synced_float_from_three_quarters_to_three():
    c = LineChart(series=SERIES)
    assert c.scale == 1.0 and c.trait_metadata("scale", "sync") is True
    assert LineChart(series=SERIES, scale=1.6).scale == 1.6
    c.scale = 3
    assert c.scale == 3.0 and isinstance(c.scale, float)
    c.scale = 0.75
    assert c.scale == 0.75


@pytest.mark.parametrize("bad", [0, 0.7, 3.5, -2.0, math.nan, math.inf, False, "2", [1.5]])
def test_scale_out_of_range_raises(chart, bad):
    with pytest.raises(traitlets.TraitError, match="scale"):
        chart.scale = bad
    assert chart.scale == 1.0
    with pytest.raises(traitlets.TraitError):
        LineChart(series=SERIES, scale=bad)


def test_scale_change_keeps_the_run_and_redraws(chart):
    for i in range(5):
        chart.append(i, values(i))
    before = chart.data
    chart.scale = 2.0
    np.testing.assert_array_equal(chart.data, before)
    esm, css = str(LineChart._esm), str(LineChart._css)
    assert '"height", "scale", "cursor"]' in esm  # a change of scale (or cursor) redraws
    # the drawing is enlarged as a whole (text, lines, markers, height) by the transform
    assert "ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, 0, 0)" in esm
    assert "calc(11px * var(--lc-scale, 1))" in css  # and so is the PNG button
