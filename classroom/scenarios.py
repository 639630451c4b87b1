"""Named scenarios: presets that each tell a small story. Choosing one sets every parameter
(the declared defaults, then the scenario's own settings) and starts a new run.

A scenario lists only what it changes; every value is validated against the model's
declarations when this module is imported, so a broken preset fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params import defaults, validate

__all__ = ["SCENARIOS", "Scenario"]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    story: str
    settings: dict = field(default_factory=dict)
    seed: int = 0

    def parameters(self) -> dict:
        """Every parameter: the defaults with this scenario's settings on top."""
        return validate({**defaults(), **self.settings})


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario(
            "default",
            "A mixed room",
            "Three in ten people broadcast one pitch to everyone; the rest hold conversations. "
            "Watch who is still listened to after fifty steps.",
        ),
        Scenario(
            "captive",
            "The captive audience",
            "Nobody can look away: habituation is off. What happens to the broadcasters "
            "here, and what does that say about why they fade elsewhere?",
            {"habituation_on": False},
        ),
        Scenario(
            "cold_calling",
            "The cold-calling office",
            "Six in ten people broadcast, and each also cold-calls five strangers a step. "
            "Inboxes overflow: see what it does to the interactors' conversations too.",
            {"broadcaster_share": 0.6, "cold_reach": 5},
        ),
        Scenario(
            "coffee",
            "The coffee-meeting networker",
            "Almost everyone talks two ways: each opens two conversations a step and has "
            "time for four. A few broadcasters remain: how long do they last among good "
            "listeners?",
            {"broadcaster_share": 0.1, "exchanges_per_step": 2, "conversation_capacity": 4},
        ),
        Scenario(
            "half",
            "Half and half",
            "Equal numbers of broadcasters and interactors on the same network.",
            {"broadcaster_share": 0.5},
        ),
        Scenario(
            "crowded",
            "Crowded inboxes",
            "People can look at only three messages a step and six in ten broadcast. "
            "Attention is shared by everyone: who pays for the noise?",
            {"broadcaster_share": 0.6, "attention_budget": 3},
        ),
        Scenario(
            "second_chance",
            "Second chances",
            "Broadcasters who fade switch to holding conversations. Do they win their "
            "audience back? (The charts follow people by the group they started in.)",
            {"adaptation": True},
        ),
        Scenario(
            "karate",
            "A real network: the karate club",
            "Zachary's karate club, 34 members and their friendships (1977). Ten of them "
            "broadcast.",
            {"network": "karate", "broadcaster_share": 0.3},
        ),
    ]
}

for _scenario in SCENARIOS.values():  # fail at import, naming the field, if a preset is wrong
    _scenario.parameters()
