"""Run the model on your own network: read an uploaded file into a NetworkX graph.

:func:`load_upload` turns a file's name and bytes into an :class:`Uploaded`: the graph the
model takes (``graph=`` parameter) and a one-line summary for the page. The file type comes
from the name's extension (:data:`FORMATS`):

* edge lists (``.csv``, ``.tsv``, ``.txt``, ``.edgelist``): one tie per line, the first two
  fields are the two people; fields are separated by tabs, commas, semicolons or spaces
  (whichever the first tie uses; with spaces a name cannot contain one). Extra columns
  (weights, dates) are ignored, as are blank lines and lines starting with ``#`` or ``%``.
  A first line naming the columns (``source,target``, ``from,to`` ...) is skipped.
* GraphML (``.graphml``), GEXF (``.gexf``), GML (``.gml``) and Pajek (``.net``), read by
  NetworkX. When every node carries a distinct ``label`` (or ``name``), people are called by it.

Whatever the file holds becomes a simple undirected graph: directed ties count as two-way,
repeated ties are merged and self-loops dropped; the summary says how many. Files the app
cannot use are refused with an :class:`UploadError` that names the file and says what is
allowed: nothing from inside NetworkX reaches the page. The limits are the app's
(:data:`MAX_PEOPLE`, :data:`MAX_TIES`, :data:`MAX_BYTES`).

:func:`NetworkUpload` is the Solara drop zone that does all this on the page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import anywidget
import networkx as nx
import solara
import traitlets

from .front_end import front_end
from .limits import APP_LIMITS

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_PEOPLE",
    "MAX_TIES",
    "NetworkUpload",
    "UploadError",
    "FilePicker",
    "Uploaded",
    "allowed_types",
    "describe",
    "load_upload",
    "read_network",
]

#: The most people an uploaded network may have: the app's own limit on ``n_agents``.
MAX_PEOPLE = APP_LIMITS["n_agents"][1]
#: The most ties: as many as the app's largest generated network (most people, most contacts).
MAX_TIES = APP_LIMITS["n_agents"][1] * APP_LIMITS["mean_degree"][1] // 2
#: The largest file accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024

_EDGE_LIST = "edge list"
#: Extension -> format name.
FORMATS = {
    ".csv": _EDGE_LIST,
    ".tsv": _EDGE_LIST,
    ".txt": _EDGE_LIST,
    ".edgelist": _EDGE_LIST,
    ".graphml": "GraphML",
    ".gexf": "GEXF",
    ".gml": "GML",
    ".net": "Pajek",
}
#: Spreadsheet files people may try first, and what to do instead.
_SPREADSHEETS = (".xlsx", ".xls", ".ods", ".numbers")
#: Words that mark a first line as column names rather than a tie.
_HEADER_WORDS = {
    "source",
    "target",
    "from",
    "to",
    "src",
    "dst",
    "node",
    "node1",
    "node2",
    "node_1",
    "node_2",
    "person",
    "person1",
    "person2",
    "name",
    "name1",
    "name2",
    "id",
    "id1",
    "id2",
    "ego",
    "alter",
    "contact",
    "friend",
    "vertex1",
    "vertex2",
}
_SEPARATORS = {"\t": "tabs", ",": "commas", ";": "semicolons", None: "spaces"}


class UploadError(ValueError):
    """An uploaded network was refused; the message names the file and the problem."""


@dataclass(frozen=True)
class Uploaded:
    """A network read from a file: what the model takes, and what the page says about it.

    ``graph`` is a simple undirected :class:`networkx.Graph` (pass it as ``graph=``);
    ``summary`` is :func:`describe`'s line; the counts say what was changed on the way.
    """

    name: str
    graph: nx.Graph = field(repr=False)
    summary: str
    self_loops: int = 0
    merged: int = 0
    directed: bool = False
    header: tuple[str, ...] | None = None


def allowed_types() -> str:
    """The accepted extensions, in words."""
    edge = [ext for ext, kind in FORMATS.items() if kind == _EDGE_LIST]
    other = [f"{kind} ({ext})" for ext, kind in FORMATS.items() if kind != _EDGE_LIST]
    return f"an edge list ({', '.join(edge)}) or " + ", ".join(other)


def load_upload(name: str, data: bytes) -> Uploaded:
    """Read the file ``name`` (its extension picks the format) from ``data``.

    Returns an :class:`Uploaded`; raises :class:`UploadError` for anything the app cannot
    use (empty, too big, unknown type, unreadable, too many or too few people, no ties).
    """
    name = PurePath(name or "upload").name
    ext = PurePath(name).suffix.lower()
    if ext not in FORMATS:
        hint = " (save the sheet as CSV first)" if ext in _SPREADSHEETS else ""
        what = f"file type {ext!r}" if ext else "a file without an extension"
        raise UploadError(f"{name}: cannot read {what}{hint}; the app reads {allowed_types()}.")
    if len(data) == 0:
        raise UploadError(f"{name}: the file is empty; it should hold {_what(ext)}.")
    _check_bytes(name, len(data))
    kind = FORMATS[ext]
    header = None
    if kind == _EDGE_LIST:
        nodes, pairs, header = _edge_list(name, _text(name, data))
        directed = False
    else:
        raw = _read_with_networkx(name, kind, data)
        nodes, pairs, directed = list(raw), list(raw.edges()), raw.is_directed()
    _check_people(name, len(nodes))  # before building anything from them
    graph, self_loops, merged = _simple_graph(nodes, pairs)
    _check_size(name, graph)
    summary = describe(
        graph, name, self_loops=self_loops, merged=merged, directed=directed, header=header
    )
    return Uploaded(name, graph, summary, self_loops, merged, directed, header)


def read_network(name: str, data: bytes) -> nx.Graph:
    """Just the graph of :func:`load_upload`."""
    return load_upload(name, data).graph


def describe(
    graph: nx.Graph,
    name: str = "network",
    *,
    self_loops: int = 0,
    merged: int = 0,
    directed: bool = False,
    header: tuple[str, ...] | None = None,
) -> str:
    """One line for the page, e.g. ``karate.csv: 34 people, 78 ties, 0 isolated; 2
    self-loops dropped``. The keywords report what reading the file changed."""
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    isolated = sum(1 for _, d in graph.degree() if d == 0)
    line = (
        f"{name}: {_count(n, 'person', 'people')}, {_count(m, 'tie', 'ties')}, "
        f"{isolated:,} isolated"
    )
    notes = []
    if header:
        notes.append(f"first line read as column names ({', '.join(header)})")
    if directed:
        notes.append("directed ties read as two-way")
    if merged:
        notes.append(f"{_count(merged, 'repeated tie', 'repeated ties')} merged")
    if self_loops:
        notes.append(f"{_count(self_loops, 'self-loop', 'self-loops')} dropped")
    return "; ".join([line, *notes])


# -- reading ---------------------------------------------------------------------------------
def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UploadError(
            f"{name}, line {line}: not UTF-8 text; save the file with the "
            "UTF-8 encoding (in Excel: 'CSV UTF-8')."
        ) from None


def _edge_list(name: str, text: str):
    """Parse an edge list; return ``(nodes in order of appearance, pairs, header)``."""
    rows: list[tuple[int, str, str]] = []
    sep = ""  # not known until the first tie
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#%":
            continue
        if sep == "":
            sep = next((s for s in ("\t", ",", ";") if s in stripped), None)
        fields = (
            stripped.split()
            if sep is None
            else [f.strip() for f in next(csv.reader([stripped], delimiter=sep))]
        )
        if len(fields) < 2 or not fields[0] or not fields[1]:
            found = "one name" if len([f for f in fields if f]) <= 1 else "an empty name"
            raise UploadError(
                f"{name}, line {number}: expected two names separated by "
                f"{_SEPARATORS[sep]} (one tie per line), found {found}: "
                f"{_clip(stripped)!r}."
            )
        rows.append((number, fields[0], fields[1]))
    if not rows:
        raise UploadError(
            f"{name}: no ties found; an edge list has one tie per line, two "
            "names separated by a comma, a tab or a space."
        )
    header = None
    first = rows[0][1:]
    if {f.lower() for f in first} <= _HEADER_WORDS or (
        len(rows) > 1
        and not any(map(_numeric, first))
        and all(_numeric(a) and _numeric(b) for _, a, b in rows[1:])
    ):
        header, rows = first, rows[1:]
    pairs = [(a, b) for _, a, b in rows]
    nodes = list(dict.fromkeys(x for pair in pairs for x in pair))
    return nodes, pairs, header


def _read_with_networkx(name: str, kind: str, data: bytes) -> nx.Graph:
    """GraphML, GEXF, GML or Pajek through NetworkX; its errors become UploadErrors."""
    try:
        if kind == "GraphML":
            graph = nx.read_graphml(io.BytesIO(data))
        elif kind == "GEXF":
            graph = nx.read_gexf(io.BytesIO(data))
        elif kind == "GML":
            graph = nx.parse_gml(_text(name, data), label="id")
        else:
            graph = nx.parse_pajek(_pajek_vertices(name, _text(name, data)))
    except UploadError:
        raise
    except Exception as err:  # whatever the reader trips on, the file is at fault
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UploadError(
            f"{name}: could not be read as {kind}: {_clip(reason, 160)}. "
            f"Check that it is a {kind} file, or export the network as "
            "an edge list (.csv)."
        ) from None
    return _friendly_labels(graph)


def _pajek_vertices(name: str, text: str) -> list[str]:
    """Pajek lets a file give only the number of vertices (``*Vertices 3`` followed at once by
    ``*Edges``); NetworkX wants a line per vertex, so write those in.

    Every count a ``*Vertices`` line declares (two for a two-mode network) is checked
    against :data:`MAX_PEOPLE` first, so a short file cannot make the app expand millions of
    vertices only to refuse them afterwards."""
    lines = text.splitlines()
    _check_pajek_counts(name, lines)
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        words = line.split()
        if len(words) >= 2 and words[0].lower() == "*vertices" and _digits(words[1]):
            following = next((x.strip() for x in _after(lines, i) if x.strip()), "*")
            if following.startswith("*"):
                out.extend(f"{k} {k}" for k in range(1, int(words[1]) + 1))
    return out


def _after(lines: list[str], i: int):
    """The lines after line ``i``, without copying them."""
    return (lines[k] for k in range(i + 1, len(lines)))


def _check_pajek_counts(name: str, lines: list[str]) -> None:
    """Refuse ``*Vertices`` lines that declare more people than the app runs (on one line,
    or on several together), or a count that is not a whole number."""
    total = 0
    for number, line in enumerate(lines, start=1):
        words = line.split()
        if not words or words[0].lower() != "*vertices":
            continue
        for k, word in enumerate(words[1:3]):
            if not _digits(word) or len(word) > 18:  # 18 digits: int() is quick, and prints
                raise UploadError(
                    f"{name}, line {number}: *Vertices must be followed by a whole number "
                    f"of vertices, found {_clip(word, 20)!r}."
                )
            # the first number counts every vertex; a two-mode network's second, a part
            declared = int(word)
            total += declared if k == 0 else 0
            if declared > MAX_PEOPLE or total > MAX_PEOPLE:
                alone = declared > MAX_PEOPLE
                what = f"{declared:,} vertices" if alone else f"{total:,} vertices in all"
                raise UploadError(
                    f"{name}, line {number}: *Vertices declares {what}; "
                    f"the app runs networks of at most {MAX_PEOPLE:,} people."
                )


def _digits(word: str) -> bool:
    """Whether ``word`` is a whole number written in ASCII digits (``str.isdigit`` alone
    also accepts characters such as "²" that ``int`` refuses)."""
    return word.isascii() and word.isdigit()


def _friendly_labels(graph: nx.Graph) -> nx.Graph:
    """Call people by their ``label`` (or ``name``) when every node has a distinct one."""
    for key in ("label", "name"):
        names = [str(attrs.get(key, "")).strip() for _, attrs in graph.nodes(data=True)]
        if names and all(names) and len(set(names)) == len(names):
            return nx.relabel_nodes(graph, dict(zip(graph, names, strict=True)))
    return graph


def _simple_graph(nodes, pairs):
    """An undirected simple graph of ``nodes`` and ``pairs``: self-loops dropped, repeats
    merged. Returns ``(graph, self-loops dropped, repeated ties merged)``."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    ties = [(a, b) for a, b in pairs if a != b]
    graph.add_edges_from(ties)
    return graph, len(pairs) - len(ties), len(ties) - graph.number_of_edges()


def _check_bytes(name: str, size: int) -> None:
    if size > MAX_BYTES:
        big = _mb(size) if _mb(size) != _mb(MAX_BYTES) else f"just over {_mb(MAX_BYTES)}"
        raise UploadError(
            f"{name}: the file is {big}; the app reads files of up to {_mb(MAX_BYTES)}."
        )


def _check_people(name: str, n: int) -> None:
    if n > MAX_PEOPLE:
        raise UploadError(
            f"{name}: {n:,} people; the app runs networks of at most {MAX_PEOPLE:,} people."
        )


def _check_size(name: str, graph: nx.Graph) -> None:
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    _check_people(name, n)
    if n < 2:
        raise UploadError(f"{name}: {_count(n, 'person', 'people')}; a network needs at least 2.")
    if m > MAX_TIES:
        raise UploadError(
            f"{name}: {m:,} ties; the app runs networks of at most {MAX_TIES:,} ties."
        )
    if m == 0:
        raise UploadError(
            f"{name}: {n:,} people but no ties between them (a tie from a "
            "person to themselves does not count)."
        )


# -- small helpers ---------------------------------------------------------------------------
def _what(ext: str) -> str:
    kind = FORMATS[ext]
    return "one tie per line, two names each" if kind == _EDGE_LIST else f"a {kind} network"


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count(k: int, one: str, many: str) -> str:
    return f"{k:,} {one if k == 1 else many}"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# -- the drop zone ---------------------------------------------------------------------------
#: What the drop zone says before a file is dropped.
DROP_LABEL = (
    f"Drop a network file here: {allowed_types()}; up to {MAX_PEOPLE:,} people "
    f"and {MAX_TIES:,} ties."
)
#: The edge-list format in one line, shown under the drop zone.
EDGE_LIST_HELP = (
    "Edge list: one tie per line, two names separated by a comma, a tab or a "
    "space; a first line of column names and extra columns are ignored."
)


def _file_bytes(name: str, info: dict) -> bytes:
    """The dropped file's bytes; a file over the size limit is refused before it is sent."""
    _check_bytes(name, int(info.get("size") or 0))
    if info.get("data") is not None:
        return info["data"]
    return info["file_obj"].read(MAX_BYTES + 1)


class FilePicker(anywidget.AnyWidget):
    """The browser's own file chooser (a button that works with the keyboard and screen
    readers, unlike a drop zone). Calls ``on_file({"name", "size", "data"})``; a file over
    ``max_bytes`` arrives without ``data``, having not been sent."""

    _esm = front_end("upload.js")
    _css = front_end("upload.css")
    label = traitlets.Unicode("Choose a network file:").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)

    def __init__(self, on_file: Callable[[dict], None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.on_file = on_file
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, buffers) -> None:
        if not isinstance(content, dict) or self.on_file is None:
            return
        data = bytes(buffers[0]) if buffers else None
        self.on_file(
            {
                "name": str(content.get("name") or "upload"),
                "size": int(content.get("size") or 0),
                "data": data,
            }
        )


@solara.component
def NetworkUpload(on_graph: Callable[[Uploaded], None]):
    """A drop zone for a network file. A file the app can use is passed to ``on_graph`` as an
    :class:`Uploaded` (its summary is shown); one it cannot use shows why, in red.

    ``on_graph`` is called from the upload's worker thread (Solara's ``FileDrop`` reads the
    file there). After each file the drop zone starts afresh, so the same file can be
    dropped again (a widget that kept the last file's name and size would ignore it).
    """
    # (files handled so far, refusal, summary of the last network accepted): one state, so
    # that a drop ends with a single update
    (handled, error, summary), set_state = solara.use_state((0, "", ""))

    def on_file(info):
        name = info.get("name") or "upload"
        try:
            uploaded = load_upload(name, _file_bytes(name, info))
        except UploadError as err:
            refusal = str(err)
        except Exception as err:  # the transfer broke off, say: a message, not a crash
            refusal = (
                f"{name}: the upload failed ({_clip(str(err)) or type(err).__name__}); try again."
            )
        else:
            on_graph(uploaded)
            set_state(lambda old: (old[0] + 1, "", uploaded.summary))
            return
        set_state(lambda old: (old[0] + 1, refusal, old[2]))

    picker = solara.use_memo(lambda: FilePicker(accept=",".join(FORMATS)), dependencies=[])
    picker.on_file = on_file
    with solara.Column(gap="0px", classes=["network-upload"]):
        solara.Column(children=[picker], gap="0px")
        solara.FileDrop(label=DROP_LABEL, on_file=on_file, lazy=True).key(f"drop-{handled}")
        solara.Text(EDGE_LIST_HELP, classes=["param-help"])
        if error:
            solara.Error(error)
        elif summary:
            solara.Text(summary, classes=["upload-summary"])
