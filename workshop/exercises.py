"""The workshop's exercises, as data: the one source of the handout, the guide and the tests.

Each exercise follows one claim of the essay (interruption versus interaction) through the
model, in the order the essay makes them, and is laid out as predict, observe, explain:

- ``goal``: one sentence;
- ``link``: the app's setup as a query string (the link format of :mod:`classroom.share`;
  ``""`` is the default scenario), opened at ``/`` plus the query on the teacher's server;
- ``predict``: a multiple choice asked before running; the wrong options are common
  misconceptions, each with a note saying why the model disagrees (``why_not``), and the
  participant also writes down why they chose;
- ``observe``: what to run and where to look on the page;
- ``explain``: questions the run answers, and ``if_surprised``: what to do when the run
  went against the prediction;
- ``real_life``: the link back to networking;
- ``check``: whether ``python -m workshop check N`` exists for it (:mod:`workshop.checks`).

For the facilitator only (the guide): ``typical``, what participants usually see, with
``{{name}}`` placeholders filled by the checks' numbers when the guide is generated, and
``discussion``, prompts for the room. Neither may contain a typed digit: every number in
the guide comes from a run (the tests make sure of that).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXERCISES", "Exercise", "Option", "Predict", "app_path", "exercise"]


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    #: For a wrong option: why the model disagrees (the misconception, named kindly).
    why_not: str = ""


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
    title: str
    claim: str
    goal: str
    minutes: int
    link: str
    link_note: str
    predict: Predict
    observe: tuple[str, ...]
    explain: tuple[str, ...]
    if_surprised: str
    real_life: str
    typical: str
    discussion: tuple[str, ...]
    check: bool = False
    #: Another command the exercise asks participants to run (exercise 7).
    command: str = ""
    optional: bool = False

    @property
    def path(self) -> str:
        return app_path(self.link)


def app_path(query: str) -> str:
    """The page's relative address for a query string: ``/`` or ``/?...``."""
    return "/" + (f"?{query}" if query else "")


_O = Option

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        number=0,
        slug="open_play",
        title="Open play",
        claim="Before any claim: get to know the page.",
        goal="Find your way around the app and form a first impression of the two ways to network.",
        minutes=8,
        link="",
        link_note="the default scenario: a mixed room",
        predict=Predict(
            "Before you press Play: which dots do you expect to turn faint first?",
            (
                _O(
                    "a",
                    "The blue circles (interactors): they send far fewer messages, so "
                    "people forget them.",
                    "Sending few messages is not what makes someone fade here; being tuned out is.",
                ),
                _O("b", "The orange squares (broadcasters)."),
                _O(
                    "c",
                    "Neither: everybody keeps their audience.",
                    "People in the model can learn to look past a sender, and some do.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Press Play (or the space bar) and let it run. Pause, press Step a few times, "
            "press Reset and play again.",
            "Click a dot to follow one person: their numbers and a small history appear "
            "on the right.",
            "Open a few settings on the left and read what each does. Try the Scenario menu.",
        ),
        explain=(
            "Which dots turned faint, and roughly when?",
            "Which chart changed the most in the first few steps?",
            "Write down one question you would like the model to answer.",
        ),
        if_surprised="Nothing to get wrong yet: keep your first impression; the next "
        "exercises test it one claim at a time.",
        real_life="Think of one person who networks with you mostly by pitching, and one "
        "who mostly talks with you. Which would you answer first?",
        typical="Most people press Play and watch the orange squares turn faint within a "
        "few dozen steps; the charts are less noticed at first. Some change "
        "settings at random; the scenario menu is a good nudge.",
        discussion=(
            "What did you notice first?",
            "Which setting would you like to understand better?",
        ),
    ),
    Exercise(
        number=1,
        slug="reach_now",
        title="Reach now: broadcasters win early",
        claim="Interruption gets noticed by many people at first: it reaches further.",
        goal="See that a pitch sent to everyone is noticed by more people at first than a "
        "conversation held with one contact at a time.",
        minutes=8,
        link="",
        link_note="the default scenario: a mixed room",
        predict=Predict(
            "Over the first ten steps, whose messages are noticed more often, per person?",
            (
                _O(
                    "a",
                    "The interactors': their messages are worth reading, so people notice them.",
                    "Being worth reading helps later (trust, clients), but early on sheer "
                    "numbers decide: a broadcaster pitches every contact each step, an "
                    "interactor talks with one.",
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
            "Open the link and press Step ten times (not Play).",
            "Look at the chart 'Messages noticed this step': which line is on top?",
            "Then press Play and watch the same chart until about step one hundred.",
        ),
        explain=(
            "Why do broadcasters get noticed so much at the start?",
            "What happens to the two lines later? Which one ends on top?",
            "If you only looked at the first ten steps, what would you conclude about "
            "broadcasting?",
        ),
        if_surprised="If you expected the interactors to lead, compare how many messages "
        "each family sends: look at one broadcaster and one interactor with "
        "the inspector (click a dot).",
        real_life="A mass mailing or a billboard really does reach many people on day one. "
        "The question is what is left of that reach a month later.",
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
        title="People learn to ignore",
        claim="People who are interrupted again and again learn to stop listening.",
        goal="Watch people learn to tune out whoever keeps interrupting them, until the "
        "broadcasters fade.",
        minutes=8,
        link="",
        link_note="the default scenario: a mixed room",
        predict=Predict(
            "After two hundred steps, how many of the broadcasters have faded (their "
            "contacts barely look at them any more)?",
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
            "Open the link and press Play; let it run to about step two hundred.",
            "Watch the chart 'Attention paid to them' and the chart 'Share faded'.",
            "On the network, watch the orange squares turn faint.",
        ),
        explain=(
            "At which step had about half of the broadcasters faded?",
            "Attention to the interactors dips a little too: why? (Hint: open "
            "Mechanisms and read what spill-over does.)",
            "Does any broadcaster keep its audience? Click it and look at its history.",
        ),
        if_surprised="If you expected repetition to work, lower Habituation strength towards zero "
        "on the left while the run plays, and watch the attention chart: "
        "the model's broadcasters fade because of that one rule.",
        real_life="Think of the ads you skip, the newsletters you archive unread, the "
        "cold calls you let ring. Each one trained you a little.",
        typical="By the last step {{ex2.faded}} of the broadcasters have faded (the lowest "
        "of the runs: {{ex2.faded_min}}); half of them had faded by about step "
        "{{ex2.half_step}}. Attention to broadcasters falls from "
        "{{ex2.att_b_start}} to {{ex2.att_b_end}}; attention to interactors ends "
        "at {{ex2.att_i_end}}.",
        discussion=(
            "Which interruptions have you learned to ignore, and how long did it take?",
            "Is a little habituation enough, or does it take a lot? (Exercise three "
            "answers the extreme case.)",
        ),
        check=True,
    ),
    Exercise(
        number=3,
        slug="captive_audience",
        title="The captive audience",
        claim="Interruption counts on an audience that cannot look away.",
        goal="Switch off people's ability to tune out and see whether broadcasting still "
        "loses: the control experiment.",
        minutes=8,
        link="compare=1&b.habituation_on=0",
        link_note="two runs side by side on the same network: run A as usual, run B "
        "with habituation off (a captive audience)",
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
        "attention line in run B: it never moves. Nothing else in the model "
        "lowers attention to a sender.",
        real_life="Where are audiences captive? Airport screens, ads you cannot skip, a "
        "meeting you cannot leave. Interruption works best where people cannot "
        "look away, which is rarely where networking happens.",
        typical="With a captive audience {{ex3.faded_captive}} of the broadcasters fade "
        "(against {{ex3.faded_default}} in the usual run). They keep their reach "
        "lead ({{ex3.reach10_b}} noticed messages per person over the first ten "
        "steps against {{ex3.reach10_i}}) and even win more people over "
        "({{ex3.conv_b}} per broadcaster against {{ex3.conv_i}} per interactor).",
        discussion=(
            "Why is run B called the control?",
            "Which real settings are closest to a captive audience?",
        ),
        check=True,
    ),
    Exercise(
        number=4,
        slug="trust_and_memory",
        title="Trust and memory: interaction earns them",
        claim="A two-way exchange is remembered better and builds more trust than a one-way pitch.",
        goal="Compare how well each family is remembered and trusted, and how many people "
        "each wins over, after a long run.",
        minutes=8,
        link="",
        link_note="the default scenario: a mixed room",
        predict=Predict(
            "Broadcasters send several times as many messages as interactors. After two "
            "hundred steps, whom do their contacts remember better?",
            (
                _O(
                    "a",
                    "The broadcasters: more messages, more memory.",
                    "A pitch that is looked past leaves almost no trace, and a noticed "
                    "conversation leaves a much deeper one than a noticed pitch.",
                ),
                _O("b", "The interactors, at least twice as well."),
                _O(
                    "c",
                    "About the same: a message is a message.",
                    "The model, like people, remembers a conversation far better than a pitch.",
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
            "Look at 'Value of a noticed message': what does an interactor learn in each "
            "conversation that a broadcaster never does?",
        ),
        if_surprised="If you expected the broadcasters to be remembered, open Trust and "
        "memory and compare 'Memory from an interruption' with 'Memory from a "
        "conversation'; then check how often their pitches are still noticed.",
        real_life="Think of a sales call you got last month: can you say who it was from? "
        "Now think of someone you shared a coffee with. Which name comes back "
        "faster?",
        typical="Broadcasters send about {{ex4.sent_ratio}} times as many messages, yet "
        "at the end their contacts' memory of them is {{ex4.recall_b}} against "
        "{{ex4.recall_i}} for interactors ({{ex4.recall_ratio}} times better). "
        "Trust: {{ex4.trust_b}} against {{ex4.trust_i}}. People won over: "
        "{{ex4.conv_b}} per broadcaster, {{ex4.conv_i}} per interactor.",
        discussion=(
            "Where does trust come from in the model, and where in real life?",
            "Why does a broadcaster's value per message stay at chance level?",
        ),
        check=True,
    ),
    Exercise(
        number=5,
        slug="attention_commons",
        title="The attention commons",
        claim="Pitches that nobody reads still use up everyone's attention.",
        goal="See that a crowd of broadcasters costs the interactors their audience too, "
        "because everyone's attention is limited.",
        minutes=10,
        link="broadcaster_share=0.1&attention_budget=3&compare=1&b.broadcaster_share=0.6",
        link_note="two runs side by side: run A with one broadcaster in ten, run B with "
        "six in ten; in both, people look at only three messages a step",
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
            "On 'Messages noticed this step', compare the interactors' line (blue "
            "circles) in run A (solid) and run B (dashed).",
            "Then press Edit run B and, under Attention, raise 'Messages looked at per "
            "step': does the interactors' loss shrink?",
        ),
        explain=(
            "Why does a pitch that will be ignored still cost the interactors something?",
            "What does a larger attention budget change, and what does it not?",
            "Who pays for the noise: the broadcasters, the interactors, or everyone?",
        ),
        if_surprised="If you expected no change, open the scenario 'Crowded inboxes' and "
        "follow one interactor's contact with the inspector: count how many "
        "messages reach them each step against how many they can look at.",
        real_life="An inbox full of newsletters makes it easier to miss the one email from "
        "a real contact. Attention is shared, like a common field: overuse by "
        "some costs everyone.",
        typical="With one broadcaster in ten, {{ex5.noticed_low}} of the interactors' "
        "messages are noticed; with six in ten, {{ex5.noticed_high}} (a change of "
        "{{ex5.change}}). An interactor's messages noticed a step: "
        "{{ex5.reach_low}} against {{ex5.reach_high}}.",
        discussion=(
            "Is attention a shared resource in your workplace? Who uses it up?",
            "What would a rule that protects the commons look like?",
        ),
        check=True,
    ),
    Exercise(
        number=6,
        slug="real_networks",
        title="Structure: does it hold on real networks?",
        claim="The pattern should not depend on a made-up network.",
        goal="Run the model on a real friendship network and on other shapes, and see "
        "where the pattern holds and where it breaks.",
        minutes=8,
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
                    "More friends means more people to wear out, not fewer: in the model "
                    "the well-connected fade too.",
                ),
            ),
            answer="b",
        ),
        observe=(
            "Open the link and press Play.",
            "Click the two members with the most ties (in the original study, the "
            "instructor and the administrator) and follow them.",
            "Then, under Network, choose 'complete' (everyone knows everyone), press "
            "Reset and play again. What changes?",
        ),
        explain=(
            "Does the pattern hold on the karate club?",
            "On the complete network every inbox overflows. What does that do to how "
            "often a single pitch is looked at, and so to fading?",
            "Which networks would you trust the model on, and which not?",
        ),
        if_surprised="If you expected the real network to behave differently, compare "
        "the share faded there with the small world of the default scenario. "
        "If the complete network surprised you, go back to exercise five: "
        "the budget decides how often a pitch is looked at.",
        real_life="A club, a team or a department is a small, dense network like the "
        "karate club. A huge mailing list is closer to the complete network: "
        "nobody can read everything.",
        typical="On the karate club {{ex6.faded}} of the broadcasters fade; trust "
        "{{ex6.trust_b}} in broadcasters against {{ex6.trust_i}} in interactors. "
        "On the complete network {{ex6.faded_complete}} fade, and the "
        "broadcasters win {{ex6.conv_b_complete}} people each against "
        "{{ex6.conv_i_complete}} per interactor: there each pitch is so rarely "
        "looked at that it never wears out its welcome.",
        discussion=(
            "Why would the complete network be the broadcasters' best case?",
            "Which network shape is closest to your own professional network?",
        ),
        check=True,
    ),
    Exercise(
        number=7,
        slug="own_strategy",
        title="Design your own strategy",
        claim="Good networking delivers value first, and to know what is valuable you "
        "have to listen.",
        goal="Compose a strategy of your own from plain choices, without code, and see "
        "whether it keeps its audience.",
        minutes=12,
        link="",
        link_note="the default scenario, for comparison",
        predict=Predict(
            "Before you try your strategy: will the people who use it fade?",
            (
                _O("a", "Yes, like the broadcasters."),
                _O("b", "No, they keep their audience like the interactors."),
                _O("c", "It depends on how often it pitches and how often it listens."),
            ),
            answer=None,
        ),
        observe=(
            "Open the Strategy tab and compose your idea from the choices: whom you "
            "contact, how, about what and when. Read the sentence under the choices: is "
            "that what you meant?",
            "Press Try it: your strategy plays against broadcasters and interactors, a "
            "third of the people each. Read the result, then change one choice at a time.",
            "In a room, press Submit: the facilitator plays every strategy of the room in "
            "one tournament. Prefer code? Export your strategy as a file, or copy one of "
            "workshop/strategies/ and check it with python -m workshop strategy YOUR_FILE.",
        ),
        explain=(
            "Did your strategy's people fade? What did it win over, against whom?",
            "What in your strategy made the difference: whom it talks to, how often, or "
            "what it says?",
            "Could you make a broadcaster that does not fade? What would it have to give up?",
        ),
        if_surprised="If the result went against your prediction, change one choice at a "
        "time (how often it reaches out, whom it picks) and try it again.",
        real_life="What is your own networking strategy, written as a rule? Which of the "
        "model's families does it resemble?",
        typical="Results vary with the idea, which is the point: the class tournament "
        "ranks the room's strategies by people won over, with trust, recall and the share "
        "faded beside it, and says which differences are within the runs' uncertainty.",
        discussion=(
            "Which strategy in the room did best, and on what measure?",
            "Did anyone find a way to interrupt without fading?",
        ),
        command="python -m workshop strategy YOUR_FILE --quick",
    ),
    Exercise(
        number=8,
        slug="second_chances",
        title="Second chances",
        claim="It is never too late to stop interrupting and start interacting.",
        goal="Let broadcasters who fade switch to holding conversations, and see whether "
        "they win their audience back.",
        minutes=8,
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
                    "The model keeps no lasting grudge: given enough conversations, attention "
                    "and trust catch up.",
                ),
                _O("c", "Yes: in time they are listened to and trusted as much as anyone."),
            ),
            answer="c",
        ),
        observe=(
            "Open the link and press Play.",
            "Watch the orange squares in run A: they fade, then turn into blue circles.",
            "Compare 'Attention paid to them' and 'People won over so far' between the runs.",
        ),
        explain=(
            "How long does it take a former broadcaster to win its audience back?",
            "Is the model too forgiving? What would a real contact remember?",
            "Which parameter would you change to make old pitches harder to forgive?",
        ),
        if_surprised="If you expected a lasting grudge, follow one former broadcaster "
        "with the inspector and watch its attention climb after it switches.",
        real_life="People do change how they network. Whether their contacts let them "
        "start over depends on how much damage the pitching did.",
        typical="Former broadcasters are paid attention {{ex8.att_b50}} at step "
        "{{ex8.probe}} and {{ex8.att_b_end}} at the end (interactors: "
        "{{ex8.att_i_end}}); trust in them ends at {{ex8.trust_b_end}} (interactors "
        "{{ex8.trust_i_end}}). Without the switch, attention to them ends at "
        "{{ex8.att_b_stuck}}.",
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
        title="After the campaign",
        claim="Annoyance fades faster than memory, so the brand that pitched hardest is the "
        "one people prefer weeks later (the counter-claim, after Kronrod and Huber 2019).",
        goal="Test the essay against its strongest counter-claim: whether the heavily "
        "pitched are preferred after all once a campaign ends and the annoyance fades.",
        minutes=10,
        link="recovery=0.3&memory_boost_interruption=0.3&memory_decay=0.07&campaign_steps=20"
        "&campaign_quiet=everyone&compare=1&b.memory_boost_interruption=0.05",
        link_note="two runs side by side, at the rates fitted to the studies: everyone pitches "
        "or talks for 20 steps, then everyone goes quiet; in run A a noticed pitch leaves as "
        "much memory as a conversation, in run B a sixth of it (the default)",
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
            "Watch 'Attention paid to them': the broadcasters' line drops during the "
            "campaign and climbs back within a few steps after it.",
            "Compare 'Remembered by their contacts' at step 30 in the two runs: whose line is "
            "on top in run A, and in run B?",
        ),
        explain=(
            "Why does the annoyance matter less ten steps after the campaign than during it?",
            "What does run B, with the default memory of a pitch, say about the counter-claim?",
            "The essay and the studies of word of mouth say a conversation leaves a deeper "
            "mark than a pitch. If that is right, which run is the real world closer to?",
        ),
        if_surprised="If you expected the interactors to win in run A, compare the two "
        "memory charts: the only difference between the runs is how much a pitch is "
        "remembered.",
        real_life="A campaign that annoys today can still pay off later, but only if people "
        "remember the brand better than the people who took the time to talk with them.",
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
