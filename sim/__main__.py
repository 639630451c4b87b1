"""Run one simulation from the command line and print what happened.

python -m sim                       # the default scenario, 200 steps
python -m sim --steps 100 --seed 7 broadcaster_share=0.5 habituation_on=False
python -m sim --list                # every parameter with its default and range
"""

from __future__ import annotations

import argparse
import sys
import time

from .model import BY_START_SUFFIX, NetworkingModel
from .params import PARAMETERS, ParameterError, from_text


def _list_parameters() -> str:
    lines = []
    for p in PARAMETERS.values():
        if p.kind == "graph":
            continue
        live = "live" if p.live else "on reset"
        lines.append(
            f"{p.name:27s} default {p.default!r:18} {p.describe_allowed():40s} "
            f"[{live}]\n    {p.help}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim", description="Run the interruption-or-interaction model once."
    )
    parser.add_argument("--steps", type=int, default=200, help="steps to run (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--list", action="store_true", help="list the parameters and exit")
    parser.add_argument(
        "params",
        nargs="*",
        metavar="name=value",
        help="parameter settings, e.g. broadcaster_share=0.5",
    )
    args = parser.parse_args(argv)
    if args.list:
        print(_list_parameters())
        return 0
    if args.steps < 0:
        parser.error("--steps must be 0 or more")
    params = {}
    try:
        for item in args.params:
            name, sep, value = item.partition("=")
            if not sep:
                parser.error(f"expected name=value, got {item!r}")
            params[name.strip()] = from_text(name.strip(), value)
        start = time.perf_counter()
        model = NetworkingModel(rng=args.seed, **params)
        model.run_for(args.steps)
        elapsed = time.perf_counter() - start
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(summary(model, elapsed))
    return 0


def summary(model: NetworkingModel, elapsed: float | None = None) -> str:
    """A few lines that say what happened in a run."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    end = df.iloc[-1]
    p = model.params
    first = df.iloc[1:11]
    rows = [
        ("attention paid to them", "attention_to", "{:.2f}"),
        ("trust earned", "trust_in", "{:.2f}"),
        ("recall (memory trace)", "recall_of", "{:.2f}"),
        ("value per noticed message", "value_per_message", "{:.2f}"),
        ("conversions so far", "conversions", "{:.1f}"),
        ("share faded", "faded", "{:.0%}"),
    ]
    w = model.world
    lines = [
        f"{w.n} people on a {p['network'] if p['graph'] is None else 'custom'} network, "
        f"{int((w.initial_strategy_id == 0).sum())} broadcasters at the start, "
        f"seed {model._seed}, "
        f"{model.steps} steps" + (f" in {elapsed:.2f} s" if elapsed is not None else ""),
        "",
        f"{'per person, at the end':28s} {'broadcasters':>13s} {'interactors':>13s}",
    ]
    by_start = p["adaptation"]  # follow the people who started in each group
    if by_start:
        lines[-1] = f"{'per person who started as':28s} {'broadcasters':>13s} {'interactors':>13s}"
    for label, prefix, fmt in rows:
        suffix = BY_START_SUFFIX if by_start and prefix not in ("conversions", "faded") else ""
        b, i = end[f"{prefix}_broadcasters{suffix}"], end[f"{prefix}_interactors{suffix}"]
        lines.append(f"{label:28s} {_fmt(fmt, b):>13s} {_fmt(fmt, i):>13s}")
    if len(first):
        reach = "reach_{g}" + (BY_START_SUFFIX if by_start else "")
        b, i = (first[reach.format(g=g)].sum(min_count=1) for g in ("broadcasters", "interactors"))
        lines.append(
            f"{'noticed reach, steps 1-10':28s} {_fmt('{:.1f}', b):>13s} {_fmt('{:.1f}', i):>13s}"
        )
    return "\n".join(lines)


def _fmt(fmt: str, value) -> str:
    return "-" if value != value else fmt.format(value)


if __name__ == "__main__":
    raise SystemExit(main())
