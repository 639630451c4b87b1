"""Custom graph upload: every format, every refusal, the examples, a run, the drop zone."""

from __future__ import annotations

import io
import time
from pathlib import Path

import ipyvuetify as v
import networkx as nx
import pytest
import solara
from solara.components.file_drop import FileDropZone

from classroom.controls import APP_LIMITS
from classroom.run import ClassroomRun
from classroom.upload import (
    FORMATS,
    MAX_BYTES,
    MAX_PEOPLE,
    MAX_TIES,
    FilePicker,
    NetworkUpload,
    Uploaded,
    UploadError,
    describe,
    load_upload,
    read_network,
)
from sim import NetworkingModel
from sim.params import defaults

EXAMPLES = Path(__file__).parent.parent / "classroom" / "examples"


def written(writer, graph) -> bytes:
    out = io.BytesIO()
    writer(graph, out)
    return out.getvalue()


KARATE = nx.karate_club_graph()
MISERABLES = nx.les_miserables_graph()


# -- formats --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "writer,ext",
    [
        (nx.write_graphml, ".graphml"),
        (nx.write_gexf, ".gexf"),
        (nx.write_gml, ".gml"),
        (nx.write_pajek, ".net"),
    ],
)
@pytest.mark.parametrize("graph", [KARATE, MISERABLES], ids=["karate", "miserables"])
def test_every_file_format_reads_the_same_network(writer, ext, graph):
    read = read_network("net" + ext, written(writer, graph))
    assert read.number_of_nodes() == graph.number_of_nodes()
    assert read.number_of_edges() == graph.number_of_edges()
    assert not read.is_directed() and not read.is_multigraph()
    if graph is MISERABLES:  # people keep their names
        assert set(read) == set(graph)


@pytest.mark.parametrize(
    "name,text",
    [
        ("commas.csv", "a,b\nb,c\nc,a\nc,d\n"),
        ("tabs.tsv", "a\tb\nb\tc\nc\ta\nc\td\n"),
        ("spaces.txt", "a b\n  b   c\nc a\nc d\n"),
        ("semicolons.csv", "a;b\nb;c\nc;a\nc;d\n"),
        ("commented.edgelist", "# who knows whom\n% another comment style\n\na b\nb c\nc a\nc d\n"),
        ("weighted.csv", "a,b,3\nb,c,1,2020\nc,a,7\nc,d,1\n"),
        ("header.csv", "source,target,weight\na,b,1\nb,c,1\nc,a,1\nc,d,1\n"),
        ("windows.csv", "\ufeffFrom,To\r\na,b\r\nb,c\r\nc,a\r\nc,d\r\n"),
        ("quoted.csv", '"a",b\n"b","c"\nc,"a"\nc,d\n'),
    ],
)
def test_edge_lists_in_every_layout(name, text):
    graph = read_network(name, text.encode())
    assert sorted(graph) == ["a", "b", "c", "d"]
    assert graph.number_of_edges() == 4


def test_names_may_hold_spaces_and_commas_when_quoted_or_tab_separated():
    graph = read_network("names.csv", b'"Smith, Jo",Ann Lee\n"Smith, Jo",Bo\n')
    assert set(graph) == {"Smith, Jo", "Ann Lee", "Bo"}
    graph = read_network("names.tsv", "Ann Lee\tBo\nBo\tJosé Núñez\n".encode())
    assert set(graph) == {"Ann Lee", "Bo", "José Núñez"}


def test_a_numeric_edge_list_with_named_columns_skips_that_line():
    uploaded = load_upload("numbers.csv", b"x,y\n1,2\n2,3\n")
    assert set(uploaded.graph) == {"1", "2", "3"}
    assert uploaded.header == ("x", "y")
    assert "first line read as column names (x, y)" in uploaded.summary


def test_a_first_tie_between_names_is_not_taken_for_a_header():
    graph = read_network("names.csv", b"ann,bob\nbob,cy\n")
    assert graph.has_edge("ann", "bob")


def test_directed_multi_and_looped_graphs_become_simple_and_undirected():
    directed = nx.MultiDiGraph([(1, 2), (2, 1), (2, 3), (2, 3), (3, 3), (1, 1)])
    uploaded = load_upload("mail.graphml", written(nx.write_graphml, directed))
    graph = uploaded.graph
    assert type(graph) is nx.Graph
    assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 2
    assert (uploaded.self_loops, uploaded.merged, uploaded.directed) == (2, 2, True)
    assert uploaded.summary == (
        "mail.graphml: 3 people, 2 ties, 0 isolated; directed ties "
        "read as two-way; 2 repeated ties merged; 2 self-loops dropped"
    )


def test_isolated_people_are_kept_and_counted():
    graph = nx.path_graph(4)
    graph.add_nodes_from([10, 11])
    uploaded = load_upload("with_loners.gml", written(nx.write_gml, graph))
    assert uploaded.graph.number_of_nodes() == 6
    assert uploaded.summary.startswith("with_loners.gml: 6 people, 3 ties, 2 isolated")


def test_people_are_called_by_their_labels_when_the_file_has_them():
    gexf = b"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">
  <graph defaultedgetype="undirected">
    <nodes><node id="0" label="Ann"/><node id="1" label="Bo"/><node id="2" label="Cy"/></nodes>
    <edges><edge id="0" source="0" target="1"/><edge id="1" source="1" target="2"/></edges>
  </graph>
</gexf>"""
    assert set(read_network("gephi.gexf", gexf)) == {"Ann", "Bo", "Cy"}


def test_pajek_may_give_only_the_number_of_vertices():
    graph = read_network("bare.net", b"*Vertices 3\n*Edges\n1 2\n2 3\n")
    assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 2


def test_describe_counts_people_ties_and_what_was_dropped():
    assert (
        describe(KARATE, "karate.csv", self_loops=2)
        == "karate.csv: 34 people, 78 ties, 0 isolated; 2 self-loops dropped"
    )
    assert describe(nx.path_graph(2), "pair.csv") == "pair.csv: 2 people, 1 tie, 0 isolated"


# -- refusals -------------------------------------------------------------------------------
def refusal(name: str, data: bytes) -> str:
    with pytest.raises(UploadError) as caught:
        load_upload(name, data)
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert message.startswith(name)
    assert "Traceback" not in message
    return message


def test_an_empty_file_is_refused():
    assert "the file is empty" in refusal("blank.csv", b"")


def test_an_unknown_file_type_is_refused_and_the_allowed_ones_listed():
    message = refusal("people.docx", b"x")
    assert "'.docx'" in message
    for ext in FORMATS:
        assert ext in message
    assert "save the sheet as CSV" in refusal("people.xlsx", b"PK")
    assert "without an extension" in refusal("people", b"a,b\n")


def test_a_line_that_is_not_a_tie_is_named_by_its_number():
    message = refusal("office.csv", b"# office\na,b\nb,c\nc\nc,d\n")
    assert message.startswith("office.csv, line 4:")
    assert "expected two names separated by commas" in message and "'c'" in message
    assert "line 2:" in refusal("gap.csv", b"a,b\nb,\n")


def test_text_that_is_not_utf8_is_refused_with_its_line():
    message = refusal("latin.csv", "a,b\nb,c\nc,Zoë\n".encode("latin-1"))
    assert message.startswith("latin.csv, line 3:") and "UTF-8" in message


def test_a_file_with_only_comments_has_no_ties():
    assert "no ties found" in refusal("comments.txt", b"# nothing yet\n\n")


def test_too_many_people_are_refused():
    chain = "".join(f"p{i},p{i + 1}\n" for i in range(MAX_PEOPLE)).encode()
    message = refusal("town.csv", chain)
    assert f"{MAX_PEOPLE + 1:,} people" in message and f"at most {MAX_PEOPLE:,}" in message
    assert APP_LIMITS["n_agents"][1] == MAX_PEOPLE


@pytest.mark.parametrize(
    "data",
    [
        b"*Vertices 2000000\n*Edges\n1 2\n",  # the 29-byte file of issue 11
        b"*Vertices 3 2000000\n*Edges\n1 2\n",  # a two-mode network's second count
        b"*Vertices 3000\n" * 1000 + b"*Edges\n1 2\n",  # small counts, many of them
    ],
)
def test_a_declared_number_of_vertices_over_the_limit_is_refused_before_anything_is_built(
    data, monkeypatch
):
    def must_not_build(*args, **kwargs):
        raise AssertionError("a graph was built for a file that declares too many people")

    monkeypatch.setattr(nx, "parse_pajek", must_not_build)
    monkeypatch.setattr("classroom.upload._simple_graph", must_not_build)
    start = time.perf_counter()
    message = refusal("huge.net", data)
    assert time.perf_counter() - start < 0.5
    assert "*Vertices declares" in message
    if len(data) < 40:
        assert "huge.net, line 1: *Vertices declares 2,000,000 vertices" in message
    else:
        assert "huge.net, line 2: *Vertices declares 6,000 vertices in all" in message
    assert f"at most {MAX_PEOPLE:,} people" in message


@pytest.mark.parametrize("count", ["\u00b2", "9" * 5000, "0" * 5000 + "3"])
def test_a_count_of_vertices_that_is_not_a_plain_number_is_refused(count):
    start = time.perf_counter()
    message = refusal("odd.net", f"*Vertices {count}\n*Edges\n1 2\n".encode())
    assert time.perf_counter() - start < 0.5
    assert "odd.net, line 1: *Vertices must be followed by a whole number" in message
    assert len(message) < 200


def test_too_many_people_in_an_edge_list_are_refused_before_the_graph_is_built(monkeypatch):
    def must_not_build(*args, **kwargs):
        raise AssertionError("a graph was built for a file with too many people")

    monkeypatch.setattr("classroom.upload._simple_graph", must_not_build)
    chain = "".join(f"p{i},p{i + 1}\n" for i in range(MAX_PEOPLE)).encode()
    assert f"{MAX_PEOPLE + 1:,} people" in refusal("town.csv", chain)


def test_too_many_ties_are_refused():
    n = 301  # a complete graph of 301 people has 45,150 ties
    dense = written(nx.write_graphml, nx.complete_graph(n))
    message = refusal("dense.graphml", dense)
    assert f"{n * (n - 1) // 2:,} ties" in message and f"at most {MAX_TIES:,} ties" in message


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    message = refusal("huge.csv", b"a,b\n" * (MAX_BYTES // 4 + 1))
    assert "just over 5 MB" in message and "up to 5 MB" in message


def test_fewer_than_two_people_are_refused():
    assert "1 person; a network needs at least 2" in refusal(
        "alone.gml", written(nx.write_gml, nx.empty_graph(1))
    )


def test_people_without_ties_are_refused():
    message = refusal("strangers.graphml", written(nx.write_graphml, nx.empty_graph(5)))
    assert "5 people but no ties" in message
    assert "no ties" in refusal("loops.csv", b"a,a\nb,b\n")


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("broken.graphml", b"<graphml><graph", "GraphML"),
        ("broken.gexf", b"not xml at all", "GEXF"),
        ("broken.gml", b"graph [ node [ id 1 ]", "GML"),
        ("broken.net", b"*Vertices 2\n1 a\n*Edges\n1 9\n", "Pajek"),
        (
            "hyper.graphml",
            b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph '
            b'edgedefault="undirected"><node id="a"/><node id="b"/><hyperedge>'
            b'<endpoint node="a"/><endpoint node="b"/></hyperedge></graph></graphml>',
            "GraphML",
        ),
    ],
)
def test_unreadable_files_are_refused_in_plain_words(name, data, kind):
    message = refusal(name, data)
    assert f"could not be read as {kind}" in message
    assert "export the network as an edge list" in message


# -- the examples ---------------------------------------------------------------------------
def test_the_examples_load():
    office = load_upload("office.csv", (EXAMPLES / "office.csv").read_bytes())
    assert office.graph.number_of_nodes() == 12 and office.graph.number_of_edges() == 20
    karate = read_network("karate.graphml", (EXAMPLES / "karate.graphml").read_bytes())
    assert nx.is_isomorphic(karate, KARATE)
    assert {p.suffix for p in EXAMPLES.iterdir()} <= set(FORMATS) | {".md"}
    readme = (EXAMPLES / "README.md").read_text()  # its limits are the app's
    assert f"{MAX_PEOPLE:,} people, {MAX_TIES:,} ties and {MAX_BYTES >> 20} MB" in readme


@pytest.mark.parametrize(
    "writer,ext",
    [
        (nx.write_graphml, ".graphml"),
        (nx.write_gexf, ".gexf"),
        (nx.write_gml, ".gml"),
        (nx.write_pajek, ".net"),
    ],
)
def test_an_uploaded_network_written_back_reads_the_same(writer, ext):
    office = read_network("office.csv", (EXAMPLES / "office.csv").read_bytes())
    again = read_network("office" + ext, written(writer, office))
    assert set(again) == set(office)
    assert {frozenset(e) for e in again.edges()} == {frozenset(e) for e in office.edges()}


# -- the model runs on it ---------------------------------------------------------------------
def test_the_model_runs_on_an_uploaded_network():
    graph = read_network("office.csv", (EXAMPLES / "office.csv").read_bytes())
    model = NetworkingModel(rng=0, graph=graph, broadcaster_share=0.25)
    model.run_for(5)
    assert model.steps == 5 and model.world.n == 12
    assert model.labels == list(graph)


def test_the_classroom_run_draws_and_steps_an_uploaded_network():
    graph = read_network("karate.graphml", (EXAMPLES / "karate.graphml").read_bytes())
    graph.add_node("newcomer")  # a person without ties gets a place too
    run = ClassroomRun(params={**defaults(), "graph": graph}, seed=0)
    run.step(5)
    assert run.steps == 5
    assert run.positions.shape == (35, 2) and len(run.edges) == 78
    assert run.labels[-1] == "newcomer"
    assert run.frame().opacity.shape == (35,)
    again = ClassroomRun(params={**defaults(), "graph": graph}, seed=3)
    assert (again.positions == run.positions).all()  # the seed changes the run, not the picture


def test_two_networks_with_the_same_ties_but_not_the_same_people_get_their_own_layout():
    small = nx.path_graph(5)
    larger = nx.path_graph(5)
    larger.add_node(5)
    assert ClassroomRun(params={**defaults(), "graph": small}, seed=0).positions.shape == (5, 2)
    assert ClassroomRun(params={**defaults(), "graph": larger}, seed=0).positions.shape == (6, 2)


# -- the drop zone --------------------------------------------------------------------------
@pytest.fixture
def drop_zone():
    accepted: list[Uploaded] = []
    box, rc = solara.render(NetworkUpload(on_graph=accepted.append), handle_error=False)

    def drop(name: str, data: bytes, file_obj=None):
        """What the browser does on a drop: it sends the file's name and size; FileDrop then
        reads the file, in a thread."""
        zone = rc.find(FileDropZone).widget  # a fresh one after every file
        file_obj = io.BytesIO(data) if file_obj is None else file_obj
        zone.get_files = lambda timeout=30: [
            {"name": name, "size": len(data), "file_obj": file_obj}
        ]
        zone.file_info = [{"name": name, "isFile": True, "size": len(data)}]

    yield drop, accepted, rc
    rc.close()


def wait_until(condition, timeout=5.0):
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        time.sleep(0.02)
    return condition()


def error_shown(rc) -> str:
    alert = rc.find(v.Alert, type="error")
    alert.wait_for(timeout=5)
    return alert.widget.children[0]


def test_the_drop_zone_says_what_it_takes(drop_zone):
    _, _, rc = drop_zone
    label = rc.find(FileDropZone).widget.label
    assert ".csv" in label and "GraphML" in label and f"{MAX_PEOPLE:,} people" in label


def test_dropping_a_good_file_hands_over_the_network(drop_zone):
    drop, accepted, rc = drop_zone
    drop("office.csv", (EXAMPLES / "office.csv").read_bytes())
    assert wait_until(lambda: accepted)
    assert accepted[0].graph.number_of_nodes() == 12
    rc.find(children=[accepted[0].summary]).wait_for(timeout=5)
    rc.find(v.Alert).assert_empty()


def test_the_same_file_can_be_dropped_again(drop_zone):
    drop, accepted, rc = drop_zone
    data = (EXAMPLES / "karate.graphml").read_bytes()
    drop("karate.graphml", data)
    assert wait_until(lambda: len(accepted) == 1)
    rc.find(children=[accepted[0].summary]).wait_for(timeout=5)  # the drop zone is new
    drop("karate.graphml", data)
    assert wait_until(lambda: len(accepted) == 2)


def test_dropping_a_bad_file_shows_why_and_hands_over_nothing(drop_zone):
    drop, accepted, rc = drop_zone
    drop("office.csv", b"a,b\nb\n")
    assert "office.csv, line 2: expected two names" in error_shown(rc)
    assert accepted == []
    drop("karate.graphml", (EXAMPLES / "karate.graphml").read_bytes())  # then a good one
    assert wait_until(lambda: accepted)
    assert wait_until(lambda: not rc.find(v.Alert, type="error").widgets)


def test_a_file_over_the_limit_is_refused_before_it_is_read(drop_zone):
    drop, accepted, rc = drop_zone

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the file should not be read")

    drop("big.csv", b"a,b\n" * (MAX_BYTES // 4 + 1), file_obj=Unreadable())
    assert "up to 5 MB" in error_shown(rc)
    assert accepted == []


def test_a_broken_transfer_is_a_message_not_a_crash(drop_zone):
    drop, accepted, rc = drop_zone

    class Broken(io.BytesIO):
        def read(self, *args):
            raise TimeoutError("Timeout")

    drop("office.csv", b"a,b\n", file_obj=Broken())
    assert error_shown(rc) == "office.csv: the upload failed (Timeout); try again."
    assert accepted == []


# -- the file chooser (keyboard and screen-reader friendly) ---------------------------------
def test_choosing_a_file_with_the_picker_hands_over_the_network(drop_zone):
    _, accepted, rc = drop_zone
    picker = rc.find(FilePicker).widget
    assert ".graphml" in picker.accept and ".csv" in picker.accept
    data = (EXAMPLES / "office.csv").read_bytes()
    picker._on_message(picker, {"name": "office.csv", "size": len(data)}, [memoryview(data)])
    assert wait_until(lambda: accepted)
    assert accepted[0].graph.number_of_nodes() == 12


def test_a_picked_file_over_the_limit_arrives_without_data_and_is_refused(drop_zone):
    _, accepted, rc = drop_zone
    picker = rc.find(FilePicker).widget
    picker._on_message(picker, {"name": "big.csv", "size": MAX_BYTES + 1}, [])
    assert "up to 5 MB" in error_shown(rc)
    assert accepted == []
