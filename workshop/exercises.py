"""The workshop's exercises, as data: the one source of the student sheet, the answer key,
the guide, the debrief slides, the app's Exercises tab and the tests.

Each exercise tests one entry of :data:`workshop.claims.CLAIMS` (a claim of the essay, a
model assumption or an extension the model adds, named by ``claim_key``) and is laid out
as predict, observe, explain. What a student sees before predicting gives nothing away:

- ``name``: a neutral title (the student sheet, the app before a prediction);
- ``link``: the app's setup as a query string (the link format of :mod:`classroom.share`),
  opened at ``/`` plus the query on the teacher's server; ``link_note`` says what it sets up;
- ``predict``: a multiple choice asked before running; each wrong option is a common
  misconception (``why_not`` says why the model disagrees) or, where the option is a fair
  reading of real life that the model decides otherwise by a modelling choice, is marked
  ``choice=True``; participants also write down why they chose;
- ``runs_to`` and ``asks``: how far the exercise's own runs go, and the run ("A" or "B")
  and step its prediction is about; the tests use them to make sure that, in every plan,
  no earlier exercise has already shown the outcome a prediction asks about.

Shown after the prediction (in the app) and in the facilitator's answer key: ``title``
and ``goal`` (they may name the answer), ``observe``, ``explain``, ``if_surprised`` and
``real_life``. For the facilitator only: ``basis`` (``finding``: the run finds it;
``built_in``: it follows directly from a setting; ``choice``: a modelling choice decides
it; ``open``: nothing to get right), ``basis_note`` (why), ``debrief`` (what to say once the
class has seen the result), ``typical`` (what participants usually see, with ``{{name}}``
placeholders filled by the checks' numbers) and ``discussion``. ``typical``,
``discussion`` and ``basis_note`` type no digit: a number there comes from a run, or is a
parameter's default written as ``{{default.NAME}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import Claim
from .claims import claim as find_claim

__all__ = ["EXERCISES", "Exercise", "Option", "Predict", "app_path", "exercise", "with_defaults"]

BASES = {
    "finding": "a finding of the runs",
    "built_in": "built in: it follows from a setting",
    "choice": "decided by a modelling choice",
    "open": "no single right answer",
}


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    #: For a wrong option: why the model disagrees.
    why_not: str = ""
    #: True where the option is a fair reading of real life that the model decides
    #: otherwise by a modelling choice (not a misconception).
    choice: bool = False


@dataclass(frozen=True)
class Predict:
    question: str
    options: tuple[Option, ...]
    #: The key of the option the model supports; None where the run itself decides.
    answer: str | None

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.key == key:
                return o
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    name: str
    title: str
    claim_key: str
    goal: str
    minutes: int
    link: str
    link_note: str
    predict: Predict
    observe: tuple[str, ...]
    explain: tuple[str, ...]
    if_surprised: str
    real_life: str
    basis: str
    basis_note: str
    debrief: str
    typical: str
    discussion: tuple[str, ...]
    #: How far the exercise's own runs go (steps).
    runs_to: int = 200
    #: The run ("A" or "B") and the step the prediction is about.
    asks: tuple[str, int] = ("A", 200)
    check: bool = False
    #: Another command the exercise offers (exercise 7).
    command: str = ""
    optional: bool = False

    @property
    def path(self) -> str:
        return app_path(self.link)

    @property
    def tests(self) -> Claim:
        """The claim, assumption or extension the exercise tests."""
        return find_claim(self.claim_key)

    @property
    def claim(self) -> str:
        """The claim tested, in words."""
        return self.tests.words

    @property
    def basis_words(self) -> str:
        """``basis_note`` with the parameters' defaults filled in."""
        return with_defaults(self.basis_note)


DEFAULT = re.compile(r"\{\{default\.([a-z_]+)\}\}")


def with_defaults(text: str) -> str:
    """``text`` with every ``{{default.NAME}}`` replaced by that parameter's default."""
    from sim.params import defaults

    values = defaults()
    return DEFAULT.sub(lambda m: f"{values[m.group(1)]:g}", text)


def app_path(query: str) -> str:
    """The page's relative address for a query string: ``/`` or ``/?...``."""
    return "/" + (f"?{query}" if query else "")


_O = Option

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        number=0,
        slug="open_play",
        name="Meet the page",
        title="Open play: a room of conversations",
        claim_key="central",
        goal="Learn the controls, the charts and the inspector in a room where everyone "
        "holds conversations, and record a first guess.",
        minutes=8,
        link="broadcaster_share=0.0",
        link_note="a room where everyone holds conversations: no broadcasters yet",
        predict=Predict(
            "Later exercises add people who push one pitch to everyone. Your first guess: "
            "over a long run in this simulation, which way of networking will do better?",
            (
                _O("a", "Pushing one pitch to everyone: it reaches more people."),
                _O("b", "Holding conversations with one contact at a time."),
                _O("c", "It depends on the setting."),
            ),
            answer=None,
        ),
        observe=(
            "Press Play (or the space bar), then Pause; press Step a few times; press Reset.",
            "Click a dot to follow one person: their numbers and a short history appear on "
            "the right.",
            "Open Attention and Trust and memory on the left and read what two settings do. "
            "Leave the share of broadcasters at zero: the next exercises bring them in one "
            "question at a time.",
        ),
        explain=(
            "What does a step of the model stand for?",
            "Which chart changed most, and in which direction?",
            "Write down one question you would like the model to answer.",
        ),
        if_surprised="Nothing to get wrong yet: keep your first guess; the next exercises "
        "test it one claim at a time.",
        real_life="Think of one person who networks with you mostly by pitching and one who "
        "mostly talks with you. Which would you answer first?",
        basis="open",
        basis_note="A first guess, recorded before any broadcaster has been seen; the wrap-up "
        "comes back to it.",
        debrief="Ask for a show of hands on the first guess and keep the count on the board: "
        "the wrap-up compares it with what the class found.",
        typical="People press Play, click dots and watch trust and memory rise; few open the "
        "settings unprompted, so point at the Attention group.",
        discussion=(
            "What did you notice first?",
            "Which setting would you like to understand better?",
        ),
    ),
    Exercise(
        number=1,
        slug="reach_now",
        name="The first ten steps",
        title="Reach now: broadcasters win early",
        claim_key="wide_reach",
        goal="See that a pitch sent to everyone is noticed by more people at first than a "
        "conversation held with one contact at a time.",
        minutes=8,
        link="",
        link_note="the default scenario: three in ten people broadcast, the rest hold "
        "conversations",
        runs_to=10,
        asks=("A", 10),
        predict=Predict(
            "Over the first ten steps, whose messages are noticed more often, per person?",
            (
                _O(
                    "a",
                    "The interactors': their messages are worth reading, so people notice them.",
                    "Being worth reading helps later, but early on sheer numbers decide: a "
                    "broadcaster pitches every contact each step, an interactor talks with one.",
                ),
                _O("b", "The broadcasters': by a wide margin."),
                _O(
                    "c",
                    "About the same: everyone has about the same number of contacts.",
                    "The number of contacts is the same, but a broadcaster uses all of them "
                    "every step and an interactor one at a time.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link and press Step ten times. Do not press Play yet: the next "
            "exercise runs on from here.",
            "Look at the chart 'Messages noticed this step': which line is on top?",
            "Click one orange square and one blue circle: how many messages did each send?",
        ),
        explain=(
            "Why do broadcasters get noticed so much at the start?",
            "If you only looked at these ten steps, what would you conclude about broadcasting?",
            "What would you want to measure before judging a campaign?",
        ),
        if_surprised="If you expected the interactors to lead, compare how many messages "
        "each family sends: look at one broadcaster and one interactor with the inspector "
        "(click a dot).",
        real_life="A mass mailing or a billboard really does reach many people on day one. "
        "The question is what is left of that reach a month later.",
        basis="built_in",
        basis_note="The lead follows from the rule for sending: a broadcaster pitches every "
        "contact every step, an interactor opens one conversation a step. The run shows "
        "how large the lead is, not that there is one.",
        debrief="Early reach is built into how often each family sends, and the essay takes "
        "it for granted. Keep the numbers on the board: the next exercise runs the same "
        "room to the end.",
        typical="Over the first ten steps a broadcaster's messages are noticed about "
        "{{ex1.reach10_b}} times, an interactor's about {{ex1.reach10_i}} times "
        "({{ex1.ratio}} times fewer). By the last step the order has turned: "
        "{{ex1.reach_end_b}} noticed messages a step for a broadcaster against "
        "{{ex1.reach_end_i}} for an interactor.",
        discussion=(
            "Who has seen a campaign judged on its first week only?",
            "What would you measure instead?",
        ),
        check=True,
    ),
    Exercise(
        number=2,
        slug="learn_to_ignore",
        name="Two hundred steps later",
        title="People learn to ignore",
        claim_key="learn_to_ignore",
        goal="Watch people learn to tune out whoever keeps interrupting them, until most "
        "broadcasters fade.",
        minutes=12,
        link="",
        link_note="the default scenario again, run on to the end",
        predict=Predict(
            "Now run the same room on. After two hundred steps, how many of the broadcasters "
            "have faded (their contacts barely look at them any more)?",
            (
                _O(
                    "a",
                    "None: hearing the same pitch again and again makes it stick.",
                    "Repetition is what wears the pitch out here: every pitch someone looks "
                    "at lowers their attention to its sender a little (habituation).",
                ),
                _O(
                    "b",
                    "About half of them.",
                    "Fading is not a coin toss: every broadcaster pitches every contact "
                    "every step, so nearly all of them wear their audience out.",
                ),
                _O("c", "Nearly all of them (eight in ten or more)."),
            ),
            answer="c",
        ),
        observe=(
            "Press Play and let the run go on to step two hundred (raise the speed if you like).",
            "Watch the charts 'Attention paid to them' and 'Share faded'.",
            "On the network, watch which dots turn faint, and when.",
        ),
        explain=(
            "If broadcasters faded, at which step had about half of them faded?",
            "Attention to the interactors dips a little too: why? (Open Mechanisms and read "
            "what spill-over does.)",
            "Does any broadcaster keep its audience? Click it and look at its history.",
        ),
        if_surprised="If you expected repetition to work, lower Habituation strength towards "
        "zero on the left while the run plays, and watch the attention chart: the model's "
        "broadcasters fade because of that one rule.",
        real_life="Think of the ads you skip, the newsletters you archive unread, the cold "
        "calls you let ring. Each one trained you a little.",
        basis="finding",
        basis_note="Whether anyone can fade is built in (habituation lowers attention to a "
        "sender whose pitch is looked at); how many fade, and how fast, is what the run "
        "finds at the model's rates of tuning out and recovering.",
        debrief="This is the essay's central mechanism, and in the model it is one rule. Say "
        "so: the rates are not measured on real people (the evidence table in the About tab "
        "compares them with studies), so the shape counts more than the step numbers.",
        typical="By the last step {{ex2.faded}} of the broadcasters have faded (the lowest of "
        "the runs: {{ex2.faded_min}}); half of them had faded by about step "
        "{{ex2.half_step}}. Attention to broadcasters falls from {{ex2.att_b_start}} to "
        "{{ex2.att_b_end}}; attention to interactors ends at {{ex2.att_i_end}}.",
        discussion=(
            "Which interruptions have you learned to ignore, and how long did it take?",
            "Is it the label 'broadcaster' that fades them, or something else? (The next "
            "exercise is the control.)",
        ),
        check=True,
    ),
    Exercise(
        number=3,
        slug="captive_audience",
        name="Nobody can look away",
        title="The captive audience",
        claim_key="captive",
        goal="Switch off people's ability to tune out and see that broadcasting then keeps "
        "its audience: the control experiment.",
        minutes=12,
        link="compare=1&b.habituation_on=0",
        link_note="two runs side by side on the same network: run A as before, run B with "
        "habituation off (nobody can learn to ignore a sender)",
        asks=("B", 200),
        predict=Predict(
            "In run B nobody can learn to ignore a sender. What happens to the broadcasters there?",
            (
                _O(
                    "a",
                    "They still fade, a bit later: a pitch is worth less than a "
                    "conversation anyway.",
                    "Fading here comes from attention wearing out, not from low value: take "
                    "the wearing out away and the broadcasters keep their audience.",
                ),
                _O(
                    "b", "Hardly any fade, and they keep reaching more people than the interactors."
                ),
                _O(
                    "c",
                    "They fade even faster: people get annoyed.",
                    "Annoyance is exactly the habituation that run B switches off.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link: run A is drawn solid, run B dashed. Press Play.",
            "Compare the two runs on 'Attention paid to them', 'Share faded' and "
            "'People won over so far'.",
            "Note the step at which the two runs part ways.",
        ),
        explain=(
            "What is the only difference between run A and run B?",
            "So what makes broadcasters fade in run A: the label 'broadcaster', the low "
            "value of a pitch, or something else?",
            "Who wins more people over in run B? Why is that a warning about judging a "
            "strategy by one setting?",
        ),
        if_surprised="If you expected the broadcasters to fade anyway, look at their "
        "attention line in run B: it never moves. Nothing else in the model lowers "
        "attention to a sender.",
        real_life="Where are audiences captive? Airport screens, ads you cannot skip, a "
        "meeting you cannot leave. Which of them are places where people network?",
        basis="finding",
        basis_note="That nobody fades in run B follows from switching habituation off, the "
        "only rule that lowers attention. That the broadcasters then win more people over "
        "than the interactors is what the run finds.",
        debrief="The essay says interruption relies on a captive audience; the control run "
        "agrees and shows why it matters: with nowhere to look away, pitching wins. The "
        "essay's case rests on people being free to tune out.",
        typical="With a captive audience {{ex3.faded_captive}} of the broadcasters fade "
        "(against {{ex3.faded_default}} in the usual run). They keep their reach lead "
        "({{ex3.reach10_b}} noticed messages per person over the first ten steps against "
        "{{ex3.reach10_i}}) and even win more people over ({{ex3.conv_b}} per broadcaster "
        "against {{ex3.conv_i}} per interactor).",
        discussion=(
            "Why is run B called the control?",
            "Which real settings are closest to a captive audience?",
        ),
        check=True,
    ),
    Exercise(
        number=4,
        slug="trust_and_memory",
        name="Who is remembered?",
        title="Trust and memory: interaction earns them",
        claim_key="memorable",
        goal="Compare how well each family is remembered and trusted, and how many people "
        "each wins over, in a room with as many broadcasters as interactors.",
        minutes=10,
        link="scenario=half",
        link_note="a new room: half the people broadcast, half hold conversations",
        predict=Predict(
            "Broadcasters send several times as many messages as interactors. After two "
            "hundred steps, whom do their contacts remember better?",
            (
                _O(
                    "a",
                    "The broadcasters: more messages, more memory.",
                    "A pitch that is looked past leaves no trace, and a noticed conversation "
                    "leaves a much deeper one than a noticed pitch.",
                ),
                _O("b", "The interactors, at least twice as well."),
                _O(
                    "c",
                    "About the same: a message is a message.",
                    "The model, like the essay, lets a conversation leave a deeper mark "
                    "than a pitch.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link and press Play; let it run to about step two hundred.",
            "Look at 'Remembered by their contacts', 'Trust earned' and 'People won over so far'.",
            "Click an orange square and a blue circle and compare their histories.",
        ),
        explain=(
            "Which line rises in the trust chart, and which stays flat? Why does trust in "
            "a broadcaster stay near the middle?",
            "Why do interactors win more people over, though they reach fewer people at first?",
            "Open Trust and memory: which two settings decide how much a message is remembered?",
        ),
        if_surprised="If you expected the broadcasters to be remembered, open Trust and "
        "memory and compare 'Memory from an interruption' with 'Memory from a "
        "conversation'; then check how often their pitches are still noticed.",
        real_life="Think of a sales call you got last month: can you say who it was from? "
        "Now think of someone you shared a coffee with. Which name comes back faster?",
        basis="built_in",
        basis_note="Memory follows from two settings: a noticed conversation adds "
        "{{default.memory_boost_exchange}} to memory, a noticed pitch "
        "{{default.memory_boost_interruption}}; and only conversations build trust. The model "
        "assumes the essay's claim here, so the runs show the claim at work; they are not "
        "evidence for it.",
        debrief="Say plainly that this result is an input: the model was told that a "
        "conversation is remembered more. The studies in the About tab's evidence table "
        "back the direction (word of mouth is remembered better than advertising), not the "
        "size. What the run adds is the total: many pitches, mostly ignored, do not add up.",
        typical="Broadcasters send about {{ex4.sent_ratio}} times as many messages, yet at "
        "the end their contacts' memory of them is {{ex4.recall_b}} against "
        "{{ex4.recall_i}} for interactors ({{ex4.recall_ratio}} times better). Trust: "
        "{{ex4.trust_b}} against {{ex4.trust_i}}. People won over: {{ex4.conv_b}} per "
        "broadcaster, {{ex4.conv_i}} per interactor.",
        discussion=(
            "Where does trust come from in the model, and where in real life?",
            "Which result here was put in, and which came out?",
        ),
        check=True,
    ),
    Exercise(
        number=5,
        slug="attention_commons",
        name="Crowded inboxes",
        title="The attention commons",
        claim_key="commons",
        goal="See that a crowd of broadcasters costs the interactors their audience too, "
        "because everyone's attention is limited.",
        minutes=12,
        link="broadcaster_share=0.1&attention_budget=3&compare=1&b.broadcaster_share=0.6",
        link_note="two runs side by side: run A with one broadcaster in ten, run B with six "
        "in ten; in both, people look at only three messages a step",
        predict=Predict(
            "In run B six in ten people broadcast instead of one in ten. What happens to "
            "the share of the interactors' messages that get noticed?",
            (
                _O(
                    "a",
                    "Nothing: the noise is the broadcasters' problem, not theirs.",
                    "Everyone's inbox is shared: a pitch that takes one of the three looks a "
                    "step leaves less room for a conversation, even one worth reading.",
                ),
                _O(
                    "b",
                    "It goes up: next to so many pitches a conversation stands out.",
                    "Standing out needs to be looked at first, and a crowded inbox gets "
                    "fewer looks per message.",
                ),
                _O("c", "It goes down: fewer of their messages get noticed."),
            ),
            answer="c",
        ),
        observe=(
            "Open the link and press Play.",
            "On 'Messages noticed this step', compare the interactors' line (blue circles) "
            "in run A (solid) and run B (dashed).",
            "Then press Edit run B and, under Attention, raise 'Messages looked at per "
            "step': does the interactors' loss shrink?",
        ),
        explain=(
            "Why does a pitch that will be ignored still cost the interactors something?",
            "What does a larger attention budget change, and what does it not?",
            "Who pays for the noise: the broadcasters, the interactors, or everyone?",
        ),
        if_surprised="If you expected no change, follow one interactor's contact with the "
        "inspector: count how many messages reach them each step against how many they can "
        "look at.",
        real_life="An inbox full of newsletters makes it easier to miss the one email from a "
        "real contact. Attention is shared, like a common field: overuse by some costs "
        "everyone.",
        basis="finding",
        basis_note="The run finds the size of the loss; it arises because the model gives "
        "every person a fixed number of looks a step, shared by all the messages that "
        "reach them.",
        debrief="Not a claim of the essay: it says interruption may waste everyone's time, "
        "and the model turns that into a shared budget of attention. Ask whether real "
        "attention works like a fixed budget; a larger budget in run B shows how much the "
        "result depends on it.",
        typical="With one broadcaster in ten, {{ex5.noticed_low}} of the interactors' "
        "messages are noticed; with six in ten, {{ex5.noticed_high}} (a change of "
        "{{ex5.change}}). An interactor's messages noticed a step: {{ex5.reach_low}} "
        "against {{ex5.reach_high}}.",
        discussion=(
            "Is attention a shared resource in your workplace? Who uses it up?",
            "What would a rule that protects the commons look like?",
        ),
        check=True,
    ),
    Exercise(
        number=6,
        slug="real_networks",
        name="A real group of people",
        title="Structure: does it hold on real networks?",
        claim_key="structure",
        goal="Run the model on a real friendship network and on other shapes, and see where "
        "the pattern holds and where it breaks.",
        minutes=12,
        link="scenario=karate",
        link_note="Zachary's karate club: thirty-four real people and their friendships",
        predict=Predict(
            "On the karate club's real network, do the broadcasters fade?",
            (
                _O(
                    "a",
                    "No: the model only works on made-up networks; a real group is too "
                    "small and too close-knit.",
                    "Habituation works tie by tie, whatever the shape of the network; a "
                    "small, close-knit group is enough.",
                ),
                _O("b", "Yes: most of them fade there too, and interactors are trusted more."),
                _O(
                    "c",
                    "Only the ones with few friends; the well-connected keep their audience.",
                    "More friends means more people to wear out, not fewer: in the model the "
                    "well-connected fade too.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link and press Play.",
            "Click the two members with the most ties (in the original study, the "
            "instructor and the administrator) and follow them.",
            "Then, under Network, choose 'complete' (everyone knows everyone), press Reset "
            "and play again. What changes?",
        ),
        explain=(
            "Does the pattern hold on the karate club?",
            "On the complete network every inbox overflows. What does that do to how often "
            "a single pitch is looked at, and so to fading?",
            "Which networks would you trust the model on, and which not?",
        ),
        if_surprised="If you expected the real network to behave differently, compare the "
        "share faded there with what you saw in exercise two. If the complete network "
        "surprised you, count how many messages reach one person there each step.",
        real_life="A club, a team or a department is a small, dense network like the karate "
        "club. Where do you meet a network in which everyone reaches everyone, and do its "
        "people really look at only a few messages a step?",
        basis="finding",
        basis_note="The run finds it: habituation acts tie by tie, so the karate club "
        "behaves like the invented networks. The complete network is the exception, and "
        "the debrief says why.",
        debrief="Why the complete network is a special case: everyone receives from "
        "everyone, so each pitch is rarely looked at; the model lets only a looked-at pitch "
        "wear out its welcome, so broadcasters hardly fade, while their sheer number of "
        "pitches still wins people over. A real mass mailing is not like that: unread mail "
        "has costs the model leaves out (spam filters, unsubscribing, a sender's name "
        "getting known as noise). So this is a limit of the model, not a case for mass "
        "mailing.",
        typical="On the karate club {{ex6.faded}} of the broadcasters fade; trust "
        "{{ex6.trust_b}} in broadcasters against {{ex6.trust_i}} in interactors. On the "
        "complete network {{ex6.faded_complete}} fade, and the broadcasters win "
        "{{ex6.conv_b_complete}} people each against {{ex6.conv_i_complete}} per "
        "interactor: there each pitch is so rarely looked at that it never wears out its "
        "welcome.",
        discussion=(
            "Why would the complete network be the broadcasters' best case in the model?",
            "What does real unread mail cost a sender that the model leaves out?",
        ),
        check=True,
    ),
    Exercise(
        number=7,
        slug="own_strategy",
        name="Your own strategy",
        title="Design your own strategy",
        claim_key="value_first",
        goal="Compose a strategy of your own from plain choices, without code, and see "
        "whether it keeps its audience.",
        minutes=20,
        link="",
        link_note="the default scenario, for comparison",
        predict=Predict(
            "Before you try your strategy: will the people who use it fade?",
            (
                _O("a", "Yes, like people who only pitch."),
                _O("b", "No, they keep their audience."),
                _O("c", "It depends on how often it pitches and how often it listens."),
            ),
            answer=None,
        ),
        observe=(
            "Open the Strategy tab and compose your idea from the choices: whom you contact, "
            "how, about what and when. Read the sentence under the choices: is that what "
            "you meant?",
            "Press Try it: your strategy plays against broadcasters and interactors, a third "
            "of the people each. Read the result: did its people fade, and by which step? "
            "Press Watch it in the simulation to see it play, and change one choice at a "
            "time.",
            "In a room, press Submit: the facilitator plays every strategy of the room in "
            "one tournament. Prefer code? Export your strategy as a file, or copy one of "
            "workshop/strategies/ and check it with python -m workshop strategy YOUR_FILE "
            "--quick.",
        ),
        explain=(
            "Did your strategy's people fade? If so, when? What did it win over, against whom?",
            "What in your strategy made the difference: whom it talks to, how often, or what "
            "it says?",
            "Could you make a strategy that pitches and does not fade? What would it have to "
            "give up?",
        ),
        if_surprised="If the result went against your prediction, change one choice at a "
        "time (how often it reaches out, whom it picks) and try it again.",
        real_life="What is your own networking strategy, written as a rule? Which of the "
        "model's families does it resemble?",
        basis="open",
        basis_note="Each strategy's result is what its runs find; the world, not the "
        "strategy, decides what every message earns.",
        debrief="Rank the room's strategies with the class tournament and ask the winners "
        "what their strategy listens to. Strategies that ask before they offer test the "
        "essay's claim that value comes from listening.",
        typical="Results vary with the idea, which is the point: the class tournament ranks "
        "the room's strategies by people won over, with trust, recall and the share faded "
        "beside it, and says which differences are within the runs' uncertainty.",
        discussion=(
            "Which strategy in the room did best, and on what measure?",
            "Did anyone find a way to interrupt without fading?",
        ),
        command="python -m workshop strategy YOUR_FILE --quick",
    ),
    Exercise(
        number=8,
        slug="second_chances",
        name="Changing course",
        title="Second chances",
        claim_key="second_chance",
        goal="Let broadcasters who fade switch to holding conversations, and see how much "
        "attention and trust come back to them.",
        minutes=10,
        link="scenario=second_chance&compare=1&b.adaptation=0",
        link_note="two runs side by side: in run A broadcasters who fade switch to "
        "conversations; in run B they keep pitching",
        predict=Predict(
            "In run A a broadcaster who fades starts holding conversations instead. Do "
            "they win their audience back?",
            (
                _O(
                    "a",
                    "No: once ignored, always ignored.",
                    "In the model each conversation gives back part of the lost attention, so "
                    "the damage is undone one conversation at a time.",
                ),
                _O(
                    "b",
                    "Partly: they get some attention back, but never as much as the interactors.",
                    "A fair expectation of real people, who may hold a grudge. The model "
                    "chooses otherwise: it keeps no lasting grudge, so given enough "
                    "conversations attention and trust catch up.",
                    choice=True,
                ),
                _O("c", "Yes: in time they are listened to and trusted as much as anyone."),
            ),
            answer="c",
        ),
        observe=(
            "Open the link and press Play.",
            "Watch the orange squares in run A: what happens to them after they fade?",
            "Compare 'Attention paid to them' and 'People won over so far' between the runs.",
        ),
        explain=(
            "How long does it take a former broadcaster to win its audience back?",
            "Is the model too forgiving? What would a real contact remember?",
            "Which parameter would you change to make old pitches harder to forgive?",
        ),
        if_surprised="If you expected a lasting grudge, follow one former broadcaster with "
        "the inspector and watch its attention climb after it switches.",
        real_life="People do change how they network. Whether their contacts let them start "
        "over depends on how much damage the pitching did.",
        basis="choice",
        basis_note="The model's rules keep no record of past pitches beyond attention, "
        "trust and memory, and conversations restore attention; so full recovery is a "
        "modelling choice, not a finding.",
        debrief="Not a claim of the essay. Treat answer (b) as a good answer about people: "
        "the model's answer (c) comes from its choice to keep no grudge. Ask which rule "
        "would have to change for (b) to come out, and whether the class would make that "
        "change.",
        typical="Former broadcasters are paid attention {{ex8.att_b50}} at step "
        "{{ex8.probe}} and {{ex8.att_b_end}} at the end (interactors: {{ex8.att_i_end}}); "
        "trust in them ends at {{ex8.trust_b_end}} (interactors {{ex8.trust_i_end}}). "
        "Without the switch, attention to them ends at {{ex8.att_b_stuck}}.",
        discussion=(
            "Is it realistic that a switch wipes the slate clean?",
            "What would make a second chance harder in real life?",
        ),
        check=True,
        optional=True,
    ),
    Exercise(
        number=9,
        slug="after_the_campaign",
        name="After the campaign",
        title="After the campaign: the counter-claim",
        claim_key="repetition_sells",
        goal="Test the essay against its strongest counter-claim: whether the heavily "
        "pitched are preferred after all once a campaign ends and the annoyance fades.",
        minutes=12,
        link="recovery=0.3&memory_boost_interruption=0.3&memory_decay=0.07&campaign_steps=20"
        "&campaign_quiet=everyone&compare=1&b.memory_boost_interruption=0.05",
        link_note="two runs side by side, at the rates fitted to the studies: everyone pitches "
        "or talks for 20 steps, then everyone goes quiet; in run A a noticed pitch leaves as "
        "much memory as a conversation, in run B a sixth of it (the default)",
        runs_to=40,
        asks=("A", 30),
        predict=Predict(
            "Ten steps after the campaign, whom would most interactors choose in run A, if "
            "they had to pick one contact: the one they remember best and are not tired of?",
            (
                _O(
                    "a",
                    "The interactors they talked with: conversations leave the deeper mark.",
                    "Here a pitch leaves as much memory as a conversation, and broadcasters "
                    "sent many more of them; once the annoyance has faded, that memory decides.",
                ),
                _O("b", "The broadcasters who pitched them, now that the annoyance has faded."),
                _O(
                    "c",
                    "About as many either way.",
                    "The choice goes almost all one way: each person compares their contacts, "
                    "and the one with the most memory and attention wins every time.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link and press Play; let it run to step 40.",
            "Watch 'Attention paid to them': how does the broadcasters' line move during the "
            "campaign and after it?",
            "Compare 'Remembered by their contacts' at step 30 in the two runs: whose line is "
            "on top in run A, and in run B? (No chart shows the choice itself: the check "
            "reads it off the model.)",
        ),
        explain=(
            "Why does the annoyance matter less ten steps after the campaign than during it?",
            "What does run B, with the default memory of a pitch, say about the counter-claim?",
            "The essay and the studies of word of mouth say a conversation leaves a deeper "
            "mark than a pitch. If that is right, which run is the real world closer to?",
        ),
        if_surprised="If you expected the interactors to win in run A, compare the two memory "
        "charts: the only difference between the runs is how much a pitch is remembered.",
        real_life="A campaign that annoys today can still pay off later, but only if people "
        "remember the brand better than the people who took the time to talk with them.",
        basis="choice",
        basis_note="Run A sets a pitch to be as memorable as a conversation; with that "
        "setting the reversal follows once annoyance has worn off. In run B, at the default, "
        "it does not: the answer turns on one rate.",
        debrief="The essay itself grants that repetition may sell. The model reproduces the "
        "counter-claim only when a pitch is as memorable as a conversation, which the "
        "evidence on two-way contact disputes; so the argument comes down to one measurable "
        "rate, not to who is right in general.",
        typical="Ten steps after the campaign, {{ex9.choose_b_a}} of the interactors would "
        "choose a broadcaster in run A (at the campaign's end: {{ex9.choose_b_end}}), and "
        "{{ex9.choose_b_b}} in run B; in run A broadcasters are remembered "
        "{{ex9.recall_b_a}} against {{ex9.recall_i_a}} for interactors.",
        discussion=(
            "Is a pitch ever as memorable as a conversation? When?",
            "What would you need to know about a real campaign to settle this?",
        ),
        check=True,
        optional=True,
    ),
)


def exercise(number: int) -> Exercise:
    """The exercise numbered ``number`` (KeyError if there is none)."""
    for ex in EXERCISES:
        if ex.number == number:
            return ex
    raise KeyError(f"no exercise {number}; there are {', '.join(str(e.number) for e in EXERCISES)}")
