"""The room's database: rooms, students, predictions and results, the strategies students
enter in the class tournament and the tournaments played, in one SQLite file.

:class:`RoomStore` is the one place a class session's state is kept. Every change is a
transaction that is committed (WAL journal, ``synchronous=FULL``) before the method
returns, so whatever a page showed as confirmed survives a ``kill -9`` of the server; the
only things held in memory are the rate-limit counters and the time of each student's last
"still here" write, both of which may be lost without harm.

The Solara server calls the store from many threads: each thread gets its own connection,
writes in this process take turns on a lock and then run in ``BEGIN IMMEDIATE``
transactions (another process, such as ``python -m classroom room export`` while the
server runs, waits up to ``busy_timeout``), and reads never wait for a writer.

What a student sends is text from a stranger. It is cleaned here, at the edge: names and
reasons lose control characters and are cut to :data:`MAX_NAME` / :data:`MAX_REASON`
characters; answers must be one of the exercise's option keys; a strategy must be a recipe
the builder accepts (:meth:`agents.builder.Recipe.from_dict`), at most :data:`MAX_RECIPE`
characters of JSON. Nothing is escaped here:
the text is kept as typed, and escaping it is the job of whatever shows it. SQL is always
written with parameters. A student is known by the random token that :meth:`RoomStore.join`
gave them, so every write of a student goes to their own entries only.

The facilitator's key (random per room) is kept only as a salted SHA-256 hash and checked
in constant time; :meth:`RoomStore.create_room` also writes it to ``room-<CODE>.key``
beside the database, readable by its owner only, so that ``./dev classroom`` can print it
again after a restart.

Rate limits (in memory, per store): a student token may make :attr:`RoomStore.write_limit`
writes (predictions, results, strategies, reconnects) per window, by default 20 in 10
seconds; a room accepts :attr:`RoomStore.join_limit` new students per window (100 a
minute: a whole class joining at once fits, a script flooding the room does not), and a
room accepts the same non-empty name at most :attr:`RoomStore.name_limit` times per window
(5 a minute). A room holds at most :data:`MAX_STUDENTS` students.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from agents.builder import Recipe, RecipeError
from classroom.exercise_store import MAX_REASON, clean_reason
from classroom.version import DISTRIBUTION, __version__
from workshop.exercises import EXERCISES

__all__ = [
    "CODE_ALPHABET",
    "DB_NAME",
    "MAX_NAME",
    "MAX_REASON",
    "MAX_RECIPE",
    "MAX_STUDENTS",
    "MAX_TITLE",
    "PHASES",
    "Prediction",
    "RateLimited",
    "Result",
    "RoomError",
    "RoomInfo",
    "RoomStore",
    "Student",
    "clean_name",
    "default_data_dir",
    "open_store",
]

#: predictions closed / open / tally revealed
PHASES = ("closed", "open", "revealed")
#: The most characters of a display name that are kept.
MAX_NAME = 40
#: The most characters of a room's title that are kept.
MAX_TITLE = 100
#: The most students one room takes.
MAX_STUDENTS = 500
#: Room codes are drawn from these: no 0/O, 1/I/L to mistake for each other.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
#: The most characters a submitted strategy's recipe may take, as JSON.
MAX_RECIPE = 4000
#: The database file's name inside the data folder.
DB_NAME = "room.sqlite3"
#: Each student's seed is this plus their number in the room (1, 2, ...).
SEED_BASE = 1000
#: A student's last_seen is written at most once per this many seconds.
TOUCH_EVERY = 1.0

#: 1: rooms, students, predictions, results; 2: strategies and tournaments; 3: play
#: sessions and their events (every table is created IF NOT EXISTS, so a database of an
#: older version gains the new ones on open)
_SCHEMA_VERSION = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    exercise INTEGER,
    phase TEXT NOT NULL,
    version INTEGER NOT NULL,
    key_salt BLOB NOT NULL,
    key_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS students (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL REFERENCES rooms(code),
    number INTEGER NOT NULL,
    token TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    seed INTEGER NOT NULL,
    joined REAL NOT NULL,
    last_seen REAL NOT NULL,
    UNIQUE (room, number)
);
CREATE TABLE IF NOT EXISTS predictions (
    student INTEGER NOT NULL REFERENCES students(id),
    exercise INTEGER NOT NULL,
    answer TEXT NOT NULL,
    reason TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS results (
    student INTEGER NOT NULL REFERENCES students(id),
    exercise INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    observed TEXT NOT NULL,
    value REAL,
    finished REAL NOT NULL,
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS strategies (
    student INTEGER PRIMARY KEY REFERENCES students(id),
    room TEXT NOT NULL REFERENCES rooms(code),
    name TEXT NOT NULL,
    recipe TEXT NOT NULL,
    submitted REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tournaments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL REFERENCES rooms(code),
    played REAL NOT NULL,
    settings TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS play_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL REFERENCES rooms(code),
    started REAL NOT NULL,
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    round_seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS play_events (
    session INTEGER NOT NULL REFERENCES play_sessions(id),
    seq INTEGER NOT NULL,
    round INTEGER NOT NULL,
    kind TEXT NOT NULL,
    student INTEGER,
    payload TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (session, seq)
);
CREATE INDEX IF NOT EXISTS play_sessions_by_room ON play_sessions (room);
CREATE INDEX IF NOT EXISTS strategies_by_room ON strategies (room);
CREATE INDEX IF NOT EXISTS tournaments_by_room ON tournaments (room);
CREATE INDEX IF NOT EXISTS predictions_by_exercise ON predictions (exercise);
CREATE INDEX IF NOT EXISTS results_by_exercise ON results (exercise);
"""


class RoomError(ValueError):
    """A refusal, with a plain message for the person that names what is wrong."""


class RateLimited(RoomError):
    """Too many writes in a short time from one student (or into one room)."""


@dataclass(frozen=True)
class RoomInfo:
    """A room as the pages see it (never its key)."""

    code: str
    title: str
    created: float
    exercise: int | None
    phase: str
    version: int


@dataclass(frozen=True)
class Student:
    """A student of a room; ``token`` is their secret, ``seed`` the seed of their checks."""

    id: int
    room: str
    token: str
    name: str
    seed: int
    joined: float
    last_seen: float


@dataclass(frozen=True)
class Prediction:
    """A student's choice for one exercise and the reason they gave."""

    student: int
    name: str
    exercise: int
    answer: str
    reason: str
    updated: float


@dataclass(frozen=True)
class Result:
    """What a student's check of one exercise observed (an option key) and its number."""

    student: int
    name: str
    exercise: int
    seed: int
    observed: str
    value: float
    finished: float


#: What made an export: the program and its version (classroom.version).
EXPORTED_WITH = {"program": DISTRIBUTION, "version": __version__}

#: The folder name of the project's data in the platform's folder for application data.
APP_DATA_NAME = "interruption-or-interaction"


def default_data_dir() -> Path:
    """Returns the data folder: ``$CLASSROOM_DATA`` if set, else the ``classroom`` folder in
    this computer's usual place for application data (``platformdirs.user_data_dir``:
    ``~/.local/share/interruption-or-interaction`` on Linux, ``~/Library/Application
    Support/interruption-or-interaction`` on macOS, ``%LOCALAPPDATA%\\interruption-or-
    interaction`` on Windows). ``./dev classroom`` sets ``$CLASSROOM_DATA`` to
    ``./classroom-data``."""
    env = os.environ.get("CLASSROOM_DATA", "").strip()
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DATA_NAME, appauthor=False)) / "classroom"


def open_store(data_dir: str | Path | None = None) -> RoomStore:
    """Returns a :class:`RoomStore` over ``room.sqlite3`` in ``data_dir`` (default:
    :func:`default_data_dir`), creating the folder and the database when needed."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return RoomStore(folder / DB_NAME)


def _clean_line(text, limit: int) -> str:
    """Returns ``text`` as one line: control and format characters dropped, whitespace runs
    made one space, at most ``limit`` characters ("" for anything that is not a string)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())[:limit].strip()


def clean_name(text) -> str:
    """Returns a display name as it may be kept: one line of text without control or format
    characters, at most :data:`MAX_NAME` characters ("" for anything but a string)."""
    return _clean_line(text, MAX_NAME)


def _clean_text(text) -> str:
    """Returns a reason as it may be kept (see classroom.exercise_store.clean_reason)."""
    return clean_reason(text).strip() if isinstance(text, str) else ""


def _norm_code(code) -> str:
    """Returns a room code as stored: surrounding spaces dropped, upper case."""
    return code.strip().upper() if isinstance(code, str) else ""


def _exercise_keys(exercise) -> tuple[str, ...]:
    """Returns the option keys of exercise number ``exercise``, or raises RoomError."""
    if isinstance(exercise, int) and not isinstance(exercise, bool):
        for ex in EXERCISES:
            if ex.number == exercise:
                return ex.predict.keys
    known = ", ".join(str(ex.number) for ex in EXERCISES)
    raise RoomError(f"there is no exercise {exercise!r}; the exercises are {known}")


def _plain(value):
    """``value`` as plain JSON data: tuples made lists, numbers that are not finite made
    None (a tournament's interval over too few runs is NaN)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "item"):  # a numpy number
        return _plain(value.item())
    raise RoomError(f"a tournament's result holds {type(value).__name__}, not plain data")


def _hash_key(salt: bytes, key: str) -> bytes:
    """Returns the salted SHA-256 of a facilitator key."""
    return hashlib.sha256(salt + key.encode("utf-8")).digest()


class _Limiter:
    """Sliding-window counters: at most ``n`` events per ``window`` seconds for each key."""

    def __init__(self):
        self._lock = threading.Lock()
        self._events: dict[object, collections.deque] = {}
        self._calls = 0
        self._longest = 0.0

    def allow(self, key, n: int, window: float) -> bool:
        """Returns True (and counts the event) if ``key`` is still under its limit."""
        now = time.monotonic()
        with self._lock:
            self._calls += 1
            self._longest = max(self._longest, window)
            if self._calls % 1000 == 0:  # forget keys whose events have all expired
                old = now - self._longest
                for k in [k for k, q in self._events.items() if not q or q[-1] <= old]:
                    del self._events[k]
            q = self._events.setdefault(key, collections.deque())
            while q and q[0] <= now - window:
                q.popleft()
            if len(q) >= n:
                return False
            q.append(now)
            return True


_TOO_MANY = "too many changes in a short time: wait a few seconds and try again"


class RoomStore:
    """The rooms of one data folder, in the SQLite database at ``path`` (see the module's
    docstring). Safe to share between threads."""

    #: (writes, seconds) a student token may make: predictions, results, reconnects
    write_limit: tuple[int, float] = (20, 10.0)
    #: (new students, seconds) one room accepts
    join_limit: tuple[int, float] = (100, 60.0)
    #: (new students with the same non-empty name, seconds) one room accepts
    name_limit: tuple[int, float] = (5, 60.0)

    def __init__(self, path: str | Path, *, busy_timeout: float = 5.0):
        self.path = Path(path)
        self.folder = self.path.parent
        # the database holds the students' tokens: a new data folder is its owner's only
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._limiter = _Limiter()
        self._touched: dict[str, float] = {}
        db = self._db()
        db.execute("PRAGMA journal_mode=WAL")
        with self._write():
            if db.execute("PRAGMA user_version").fetchone()[0] < _SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    # -- connections and transactions -----------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        """Returns this thread's connection, opening it the first time."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    class _Tx:
        """A write transaction: this process's writers take turns, then BEGIN IMMEDIATE."""

        def __init__(self, store: RoomStore):
            self.store = store
            self.db = store._db()

        def __enter__(self) -> sqlite3.Connection:
            self.store._write_lock.acquire()
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store._write_lock.release()
                raise
            return self.db

        def __exit__(self, kind, value, tb) -> None:
            try:
                self.db.execute("COMMIT" if kind is None else "ROLLBACK")
            finally:
                self.store._write_lock.release()

    def _write(self) -> RoomStore._Tx:
        """Returns a context manager for one write transaction (committed on success)."""
        return RoomStore._Tx(self)

    def close(self) -> None:
        """Closes every connection the store opened (call it only when no thread uses it)."""
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- rooms ----------------------------------------------------------------------------------
    @staticmethod
    def _room_row(row) -> RoomInfo:
        return RoomInfo(*row)

    _ROOM_COLUMNS = "code, title, created, exercise, phase, version"

    def key_path(self, code: str) -> Path:
        """Returns the file that holds room ``code``'s facilitator key in clear."""
        return self.folder / f"room-{_norm_code(code)}.key"

    def _write_key_file(self, code: str, key: str) -> None:
        path = self.key_path(code)
        tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (key + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)

    def create_room(self, title: str = "") -> tuple[RoomInfo, str]:
        """Creates a room; returns it and its facilitator key (also written, mode 0600, to
        :meth:`key_path`). The title is cleaned like a name, up to :data:`MAX_TITLE` characters."""
        title = _clean_line(title, MAX_TITLE)
        key = secrets.token_urlsafe(18)
        salt = secrets.token_bytes(16)
        for _ in range(100):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            with self._write() as db:
                if db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone():
                    continue
                db.execute(
                    "INSERT INTO rooms (code, title, created, exercise, phase, version, key_salt,"
                    " key_hash) VALUES (?, ?, ?, NULL, 'closed', 1, ?, ?)",
                    (code, title, time.time(), salt, _hash_key(salt, key)),
                )
            break
        else:  # pragma: no cover - 28 million codes
            raise RoomError("could not find a free room code; try again")
        self._write_key_file(code, key)
        return self.room(code), key

    def new_key(self, code: str) -> str:
        """Gives room ``code`` a new facilitator key (the old one stops working); returns it
        (also written to :meth:`key_path`)."""
        code = self._need_room(code).code
        key = secrets.token_urlsafe(18)
        salt = secrets.token_bytes(16)
        with self._write() as db:
            db.execute(
                "UPDATE rooms SET key_salt = ?, key_hash = ? WHERE code = ?",
                (salt, _hash_key(salt, key), code),
            )
        self._write_key_file(code, key)
        return key

    def saved_key(self, code: str) -> str | None:
        """Returns room ``code``'s key as written to :meth:`key_path`, or None when that file
        is missing, unreadable or no longer holds the room's key."""
        try:
            key = self.key_path(code).read_text(encoding="ascii").strip()
        except (OSError, UnicodeError):
            return None
        return key if self.key_ok(code, key) else None

    def rooms(self) -> list[RoomInfo]:
        """Returns every room, newest first."""
        rows = self._db().execute(
            f"SELECT {self._ROOM_COLUMNS} FROM rooms ORDER BY created DESC, rowid DESC"
        )
        return [self._room_row(r) for r in rows]

    def room(self, code: str) -> RoomInfo | None:
        """Returns the room with this code (any case, surrounding spaces ignored), or None."""
        row = (
            self._db()
            .execute(f"SELECT {self._ROOM_COLUMNS} FROM rooms WHERE code = ?", (_norm_code(code),))
            .fetchone()
        )
        return self._room_row(row) if row else None

    def _need_room(self, code: str) -> RoomInfo:
        """Returns the room, or raises RoomError naming the code."""
        room = self.room(code)
        if room is None:
            shown = code.strip() if isinstance(code, str) else repr(code)
            raise RoomError(f"there is no room {shown!r}: check the room code")
        return room

    def latest_room(self) -> RoomInfo | None:
        """Returns the room created last, or None when there is none."""
        rooms = self._db().execute(
            f"SELECT {self._ROOM_COLUMNS} FROM rooms ORDER BY created DESC, rowid DESC LIMIT 1"
        )
        row = rooms.fetchone()
        return self._room_row(row) if row else None

    def key_ok(self, code: str, key: str) -> bool:
        """Returns True only if ``key`` is room ``code``'s facilitator key (constant-time
        comparison of hashes; False for an unknown room or anything but strings)."""
        if not isinstance(code, str) or not isinstance(key, str):
            return False
        row = (
            self._db()
            .execute("SELECT key_salt, key_hash FROM rooms WHERE code = ?", (_norm_code(code),))
            .fetchone()
        )
        if row is None:
            return False
        salt, stored = row
        return hmac.compare_digest(_hash_key(salt, key.strip()), stored)

    def version(self, code: str) -> int:
        """Returns room ``code``'s version: one more after every change to the room (a join,
        a name, a prediction, a result, the exercise, the phase)."""
        row = (
            self._db()
            .execute("SELECT version FROM rooms WHERE code = ?", (_norm_code(code),))
            .fetchone()
        )
        if row is None:
            self._need_room(code)
        return row[0]

    @staticmethod
    def _bump(db: sqlite3.Connection, code: str) -> None:
        db.execute("UPDATE rooms SET version = version + 1 WHERE code = ?", (code,))

    def set_exercise(self, code: str, exercise: int | None) -> RoomInfo:
        """Moves room ``code`` to ``exercise`` (None: no exercise) with predictions closed;
        returns the room."""
        if exercise is not None:
            _exercise_keys(exercise)
        code = self._need_room(code).code
        with self._write() as db:
            db.execute(
                "UPDATE rooms SET exercise = ?, phase = 'closed' WHERE code = ?", (exercise, code)
            )
            self._bump(db, code)
        return self.room(code)

    def set_phase(self, code: str, phase: str) -> RoomInfo:
        """Sets room ``code``'s phase (one of :data:`PHASES`; "open" and "revealed" need an
        exercise); returns the room."""
        if phase not in PHASES:
            raise RoomError(f"unknown phase {phase!r}; it is one of {', '.join(PHASES)}")
        code = self._need_room(code).code
        with self._write() as db:
            (exercise,) = db.execute(
                "SELECT exercise FROM rooms WHERE code = ?", (code,)
            ).fetchone()
            if exercise is None and phase != "closed":
                raise RoomError(f"room {code} has no exercise yet: choose one first")
            db.execute("UPDATE rooms SET phase = ? WHERE code = ?", (phase, code))
            self._bump(db, code)
        return self.room(code)

    # -- students -------------------------------------------------------------------------------
    _STUDENT_COLUMNS = "id, room, token, name, seed, joined, last_seen"

    def _student_row(self, db, token) -> Student | None:
        if not isinstance(token, str) or not token:
            return None
        row = db.execute(
            f"SELECT {self._STUDENT_COLUMNS} FROM students WHERE token = ?", (token,)
        ).fetchone()
        return Student(*row) if row else None

    def _limit(self, key, limit: tuple[int, float]) -> None:
        if not self._limiter.allow(key, *limit):
            raise RateLimited(_TOO_MANY)

    def join(self, code: str, name: str = "", token: str | None = None) -> Student:
        """Returns the student: the same one again for a token already known in this room
        (their name updated when a new non-empty one is given), otherwise a new student with
        a new random token, a cleaned name ("Student <n>" when empty) and their own seed."""
        code = self._need_room(code).code
        name = clean_name(name)
        now = time.time()
        known = self._student_row(self._db(), token)
        if known is not None and known.room == code:
            self._limit(("write", known.token), self.write_limit)
            with self._write() as db:
                if name and name != known.name:
                    db.execute(
                        "UPDATE students SET name = ?, last_seen = ? WHERE id = ?",
                        (name, now, known.id),
                    )
                    self._bump(db, code)
                else:
                    db.execute("UPDATE students SET last_seen = ? WHERE id = ?", (now, known.id))
            self._touched[known.token] = time.monotonic()
            return self._student_row(self._db(), known.token)
        self._limit(("join", code), self.join_limit)
        if name:
            self._limit(("name", code, name.casefold()), self.name_limit)
        token = secrets.token_urlsafe(24)
        with self._write() as db:
            (count,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM students WHERE room = ?", (code,)
            ).fetchone()
            if count >= MAX_STUDENTS:
                raise RoomError(f"room {code} is full ({MAX_STUDENTS} students)")
            number = count + 1
            db.execute(
                "INSERT INTO students (room, number, token, name, seed, joined, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (code, number, token, name or f"Student {number}", SEED_BASE + number, now, now),
            )
            self._bump(db, code)
        self._touched[token] = time.monotonic()
        return self._student_row(self._db(), token)

    def student(self, token: str) -> Student | None:
        """Returns the student with this token, or None."""
        return self._student_row(self._db(), token)

    def touch(self, token: str) -> None:
        """Marks the student as seen now (written at most once a second per student; an
        unknown token is ignored). Returns None; the room's version does not change."""
        if not isinstance(token, str) or not token:
            return
        now = time.monotonic()
        if now - self._touched.get(token, -math.inf) < TOUCH_EVERY:
            return
        db = self._db()
        if db.execute("SELECT 1 FROM students WHERE token = ?", (token,)).fetchone() is None:
            return  # nothing remembered for a token nobody has
        self._touched[token] = now
        # last_seen need not survive a crash: this commit skips the fsync (the next
        # synchronous=FULL commit writes it out with its own)
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            with self._write():
                db.execute(
                    "UPDATE students SET last_seen = ? WHERE token = ?", (time.time(), token)
                )
        finally:
            db.execute("PRAGMA synchronous=FULL")

    def students(self, code: str) -> list[Student]:
        """Returns room ``code``'s students in joining order."""
        code = self._need_room(code).code
        rows = self._db().execute(
            f"SELECT {self._STUDENT_COLUMNS} FROM students WHERE room = ? ORDER BY number",
            (code,),
        )
        return [Student(*r) for r in rows]

    def _need_student(self, db, token) -> Student:
        student = self._student_row(db, token)
        if student is None:
            raise RoomError("this page is not in a room (unknown student): join the room again")
        return student

    # -- predictions ----------------------------------------------------------------------------
    def predict(self, token: str, exercise: int, answer: str, reason: str = "") -> Prediction:
        """Stores (or replaces) the student's prediction for ``exercise``, which must be the
        room's current exercise with predictions open; returns what was stored, once it is
        committed."""
        keys = _exercise_keys(exercise)
        student = self._need_student(self._db(), token)
        self._limit(("write", student.token), self.write_limit)
        if not isinstance(answer, str) or answer.strip() not in keys:
            raise RoomError(
                f"{answer!r} is not an option of exercise {exercise}; choose one of "
                + ", ".join(keys)
            )
        answer = answer.strip()
        reason = _clean_text(reason)
        now = time.time()
        with self._write() as db:
            current, phase = db.execute(
                "SELECT exercise, phase FROM rooms WHERE code = ?", (student.room,)
            ).fetchone()
            if current != exercise:
                raise RoomError(
                    f"exercise {exercise} is not the room's exercise now"
                    + ("" if current is None else f" (it is exercise {current})")
                )
            if phase != "open":
                raise RoomError(f"predictions for exercise {exercise} are closed")
            db.execute(
                "INSERT INTO predictions (student, exercise, answer, reason, updated)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (student, exercise) DO UPDATE SET"
                " answer = excluded.answer, reason = excluded.reason, updated = excluded.updated",
                (student.id, exercise, answer, reason, now),
            )
            self._bump(db, student.room)
        return Prediction(student.id, student.name, exercise, answer, reason, now)

    _PREDICTION_SELECT = (
        "SELECT p.student, s.name, p.exercise, p.answer, p.reason, p.updated"
        " FROM predictions p JOIN students s ON s.id = p.student"
    )

    def prediction(self, token: str, exercise: int) -> Prediction | None:
        """Returns the student's stored prediction for ``exercise``, or None."""
        if not isinstance(token, str) or not token:
            return None
        row = (
            self._db()
            .execute(
                self._PREDICTION_SELECT + " WHERE s.token = ? AND p.exercise = ?",
                (token, exercise),
            )
            .fetchone()
        )
        return Prediction(*row) if row else None

    def predictions(self, code: str, exercise: int) -> list[Prediction]:
        """Returns room ``code``'s predictions for ``exercise``, in the students' joining
        order."""
        code = self._need_room(code).code
        rows = self._db().execute(
            self._PREDICTION_SELECT + " WHERE s.room = ? AND p.exercise = ? ORDER BY s.number",
            (code, exercise),
        )
        return [Prediction(*r) for r in rows]

    def tally(self, code: str, exercise: int) -> dict[str, int]:
        """Returns how many of room ``code`` chose each option of ``exercise``: every option
        key, in the exercise's order, 0 included."""
        keys = _exercise_keys(exercise)
        code = self._need_room(code).code
        counts = dict.fromkeys(keys, 0)
        rows = self._db().execute(
            "SELECT p.answer, COUNT(*) FROM predictions p JOIN students s ON s.id = p.student"
            " WHERE s.room = ? AND p.exercise = ? GROUP BY p.answer",
            (code, exercise),
        )
        for answer, n in rows:
            if answer in counts:
                counts[answer] = n
        return counts

    # -- results --------------------------------------------------------------------------------
    def record_result(self, token: str, exercise: int, observed: str, value: float) -> Result:
        """Stores (or replaces) what the student's check of ``exercise`` observed (an option
        key) and its number (NaN is kept as "no number"), with the student's seed; returns
        what was stored, once it is committed."""
        keys = _exercise_keys(exercise)
        student = self._need_student(self._db(), token)
        self._limit(("write", student.token), self.write_limit)
        if not isinstance(observed, str) or observed.strip() not in keys:
            raise RoomError(
                f"{observed!r} is not an option of exercise {exercise}; it is one of "
                + ", ".join(keys)
            )
        observed = observed.strip()
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RoomError(f"a check's value is a number, not {type(value).__name__}")
        value = float(value)
        if math.isinf(value):
            raise RoomError("a check's value must be finite")
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO results (student, exercise, seed, observed, value, finished)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student, exercise) DO UPDATE SET"
                " seed = excluded.seed, observed = excluded.observed, value = excluded.value,"
                " finished = excluded.finished",
                (student.id, exercise, student.seed, observed, value, now),
            )
            self._bump(db, student.room)
        return Result(student.id, student.name, exercise, student.seed, observed, value, now)

    def results(self, code: str, exercise: int) -> list[Result]:
        """Returns room ``code``'s results for ``exercise``, in the students' joining order."""
        code = self._need_room(code).code
        rows = self._db().execute(
            "SELECT r.student, s.name, r.exercise, r.seed, r.observed, r.value, r.finished"
            " FROM results r JOIN students s ON s.id = r.student"
            " WHERE s.room = ? AND r.exercise = ? ORDER BY s.number",
            (code, exercise),
        )
        return [Result(*r[:5], math.nan if r[5] is None else r[5], r[6]) for r in rows]

    # -- strategies and tournaments -------------------------------------------------------------
    def submit_strategy(self, code: str, seat: str, recipe: dict) -> dict:
        """Stores the strategy (a builder recipe, :meth:`agents.builder.Recipe.to_dict`'s
        choices) that the student whose token is ``seat`` enters into room ``code``'s
        tournament, in place of any they sent before; returns it as :meth:`strategies` lists
        it, once it is committed. A recipe the builder would refuse is refused here with the
        builder's words, naming the choice at fault; so is one longer than
        :data:`MAX_RECIPE` characters of JSON."""
        code = self._need_room(code).code
        student = self._need_student(self._db(), seat)
        if student.room != code:
            raise RoomError(f"this page is not in room {code}: join the room again")
        self._limit(("write", student.token), self.write_limit)
        try:
            size = len(json.dumps(recipe, allow_nan=False))
        except (TypeError, ValueError):
            raise RoomError("a strategy is a set of the builder's choices (plain data)") from None
        if size > MAX_RECIPE:
            raise RoomError(f"this strategy is too long to send ({size} > {MAX_RECIPE} characters)")
        try:
            checked = Recipe.from_dict(recipe)
        except RecipeError as err:
            raise RoomError(f"this strategy cannot play: {err}") from None
        text = json.dumps(checked.to_dict(), allow_nan=False, sort_keys=True)
        now = time.time()
        with self._write() as db:
            db.execute("DELETE FROM strategies WHERE student = ?", (student.id,))
            db.execute(
                "INSERT INTO strategies (student, room, name, recipe, submitted)"
                " VALUES (?, ?, ?, ?, ?)",
                (student.id, code, checked.name, text, now),
            )
            self._bump(db, code)
        number = self._number(student.id)
        return {"seat": number, "name": checked.name, "recipe": checked.to_dict(), "submitted": now}

    def _number(self, student_id: int) -> int:
        row = self._db().execute("SELECT number FROM students WHERE id = ?", (student_id,))
        return row.fetchone()[0]

    _STRATEGY_SELECT = (
        "SELECT s.number, g.name, g.recipe, g.submitted, s.id FROM strategies g"
        " JOIN students s ON s.id = g.student WHERE g.room = ? ORDER BY g.submitted, g.rowid"
    )

    @staticmethod
    def _strategy_row(row) -> dict:
        number, name, recipe, submitted, _ = row
        return {"seat": number, "name": name, "recipe": json.loads(recipe), "submitted": submitted}

    def strategies(self, code: str) -> list[dict]:
        """Returns the strategies entered in room ``code``'s tournament, in the order they
        were (last) sent: each ``{"seat": the student's number in the room, "name": the
        strategy's name, "recipe": its choices, "submitted": when}``. Never a token or a
        student's name."""
        code = self._need_room(code).code
        return [self._strategy_row(r) for r in self._db().execute(self._STRATEGY_SELECT, (code,))]

    def strategy(self, token: str) -> dict | None:
        """Returns the strategy the student with this token has entered, or None."""
        student = self._student_row(self._db(), token)
        if student is None:
            return None
        row = (
            self._db()
            .execute(
                "SELECT ?, name, recipe, submitted, student FROM strategies WHERE student = ?",
                (self._number(student.id), student.id),
            )
            .fetchone()
        )
        return self._strategy_row(row) if row else None

    def withdraw_strategy(self, code: str, seat: int) -> bool:
        """Takes the strategy of the student with number ``seat`` (as :meth:`strategies`
        gives it) out of room ``code``'s tournament (the facilitator's control); returns
        whether there was one."""
        code = self._need_room(code).code
        if isinstance(seat, str) and seat.strip().isdigit():
            seat = int(seat)
        if isinstance(seat, bool) or not isinstance(seat, int):
            raise RoomError(f"{seat!r} is not a seat of room {code}")
        with self._write() as db:
            gone = db.execute(
                "DELETE FROM strategies WHERE room = ? AND student ="
                " (SELECT id FROM students WHERE room = ? AND number = ?)",
                (code, code, seat),
            ).rowcount
            if gone:
                self._bump(db, code)
        return bool(gone)

    def record_tournament(self, code: str, result: dict) -> int:
        """Stores a tournament played in room ``code`` (``workshop.tournament.Result.to_dict()``:
        its ``settings``, seed included, let it be played again); returns its id. Numbers
        that are not finite are kept as None (plain JSON)."""
        code = self._need_room(code).code
        if not isinstance(result, dict):
            raise RoomError("a tournament's result is a mapping (Result.to_dict())")
        clean = _plain(result)
        settings = clean.get("settings") or {}
        now = time.time()
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO tournaments (room, played, settings, result) VALUES (?, ?, ?, ?)",
                (
                    code,
                    now,
                    json.dumps(settings, allow_nan=False),
                    json.dumps(clean, allow_nan=False),
                ),
            )
            self._bump(db, code)
            return cur.lastrowid

    @staticmethod
    def _tournament_row(row) -> dict:
        tid, played, settings, result = row
        return {
            "id": tid,
            "when": played,
            "settings": json.loads(settings),
            "result": json.loads(result),
        }

    def tournaments(self, code: str) -> list[dict]:
        """Returns room ``code``'s tournaments, oldest first: each ``{"id", "when",
        "settings", "result"}``."""
        code = self._need_room(code).code
        rows = self._db().execute(
            "SELECT id, played, settings, result FROM tournaments WHERE room = ? ORDER BY id",
            (code,),
        )
        return [self._tournament_row(r) for r in rows]

    def latest_tournament(self, code: str) -> dict | None:
        """Returns room ``code``'s last tournament (as :meth:`tournaments` gives it), or None."""
        code = self._need_room(code).code
        row = (
            self._db()
            .execute(
                "SELECT id, played, settings, result FROM tournaments WHERE room = ?"
                " ORDER BY id DESC LIMIT 1",
                (code,),
            )
            .fetchone()
        )
        return self._tournament_row(row) if row else None

    # -- export ---------------------------------------------------------------------------------
    # -- play a person ----------------------------------------------------------------------
    def start_play(self, code: str, settings: dict, round_seconds: float) -> int:
        """A new "play a person" session in room ``code`` (any running one there ends);
        returns its id. ``settings`` is plain data (the session's own check comes first)."""
        code = self._need_room(code).code
        text = json.dumps(settings, allow_nan=False, sort_keys=True)
        with self._write() as db:
            db.execute(
                "UPDATE play_sessions SET status = 'ended' WHERE room = ? AND status != 'ended'",
                (code,),
            )
            cur = db.execute(
                "INSERT INTO play_sessions (room, started, settings, status, round_seconds)"
                " VALUES (?, ?, ?, 'running', ?)",
                (code, time.time(), text, float(round_seconds)),
            )
            self._bump(db, code)
            return int(cur.lastrowid)

    def play_session(self, code: str) -> dict | None:
        """Room ``code``'s latest play session: id, started, settings, status ('running',
        'paused' or 'ended') and round_seconds; None if it never had one."""
        row = (
            self._db()
            .execute(
                "SELECT id, started, settings, status, round_seconds FROM play_sessions"
                " WHERE room = ? ORDER BY id DESC LIMIT 1",
                (_norm_code(code),),
            )
            .fetchone()
        )
        if row is None:
            return None
        sid, started, settings, status, seconds = row
        return {
            "id": sid,
            "started": started,
            "settings": json.loads(settings),
            "status": status,
            "round_seconds": seconds,
        }

    def set_play(self, code: str, session: int, *, status=None, round_seconds=None) -> None:
        """Change a play session's status ('running', 'paused', 'ended') or timer."""
        if status is not None and status not in ("running", "paused", "ended"):
            raise RoomError(f"a play session is running, paused or ended (not {status!r})")
        with self._write() as db:
            if status is not None:
                db.execute("UPDATE play_sessions SET status = ? WHERE id = ?", (status, session))
            if round_seconds is not None:
                db.execute(
                    "UPDATE play_sessions SET round_seconds = ? WHERE id = ?",
                    (float(round_seconds), session),
                )
            self._bump(db, _norm_code(code))

    def add_play_event(
        self, code: str, session: int, round_: int, kind: str, student: int | None, payload
    ) -> int:
        """Keep one event of a play session (a student joining or leaving, a round played
        with every choice); returns its number in the session."""
        text = json.dumps(payload, allow_nan=False, sort_keys=True)
        with self._write() as db:
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM play_events WHERE session = ?", (session,)
            ).fetchone()
            db.execute(
                "INSERT INTO play_events (session, seq, round, kind, student, payload, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session, seq, round_, kind, student, text, time.time()),
            )
            self._bump(db, _norm_code(code))
        return int(seq)

    def play_events(self, session: int) -> list[dict]:
        """A play session's events in order: seq, round, kind, student, payload, at."""
        rows = self._db().execute(
            "SELECT seq, round, kind, student, payload, at FROM play_events"
            " WHERE session = ? ORDER BY seq",
            (session,),
        )
        return [
            {"seq": q, "round": r, "kind": k, "student": st, "payload": json.loads(p), "at": a}
            for q, r, k, st, p, a in rows
        ]

    def _export_room(self, db, room: RoomInfo) -> dict:
        """Returns everything of one room, read in one transaction; no tokens, no key."""
        students = [
            {
                "id": sid,
                "number": number,
                "name": name,
                "seed": seed,
                "joined": joined,
                "last_seen": last_seen,
            }
            for sid, number, name, seed, joined, last_seen in db.execute(
                "SELECT id, number, name, seed, joined, last_seen FROM students"
                " WHERE room = ? ORDER BY number",
                (room.code,),
            )
        ]
        predictions = [
            asdict(Prediction(*r))
            for r in db.execute(
                self._PREDICTION_SELECT + " WHERE s.room = ? ORDER BY p.exercise, s.number",
                (room.code,),
            )
        ]
        results = [
            {
                "student": r[0],
                "name": r[1],
                "exercise": r[2],
                "seed": r[3],
                "observed": r[4],
                "value": r[5],  # None for a check without a number (never NaN: valid JSON)
                "finished": r[6],
            }
            for r in db.execute(
                "SELECT r.student, s.name, r.exercise, r.seed, r.observed, r.value, r.finished"
                " FROM results r JOIN students s ON s.id = r.student"
                " WHERE s.room = ? ORDER BY r.exercise, s.number",
                (room.code,),
            )
        ]
        strategies = [
            {**self._strategy_row(r), "student": r[4]}
            for r in db.execute(self._STRATEGY_SELECT, (room.code,))
        ]
        tournaments = [
            self._tournament_row(r)
            for r in db.execute(
                "SELECT id, played, settings, result FROM tournaments WHERE room = ? ORDER BY id",
                (room.code,),
            )
        ]
        plays = []
        for sid, started, settings, status, seconds in db.execute(
            "SELECT id, started, settings, status, round_seconds FROM play_sessions"
            " WHERE room = ? ORDER BY id",
            (room.code,),
        ).fetchall():
            plays.append(
                {
                    "id": sid,
                    "started": started,
                    "settings": json.loads(settings),
                    "status": status,
                    "round_seconds": seconds,
                    "events": self.play_events(sid),
                }
            )
        return {
            "exported_with": EXPORTED_WITH,
            "room": asdict(room),
            "students": students,
            "predictions": predictions,
            "results": results,
            "strategies": strategies,
            "tournaments": tournaments,
            "play_sessions": plays,
        }

    def export(self, code: str | None = None) -> dict:
        """Returns everything of room ``code`` as plain data (``room``, ``students`` without
        their tokens, ``predictions``, ``results``, the ``strategies`` entered in its
        tournament and the ``tournaments`` played), or with ``code`` None, every room:
        ``{"rooms": [...]}`` newest first; ``exported_with`` names the program and its
        version. Never a token or a key."""
        db = self._db()
        db.execute("BEGIN")  # one consistent snapshot of the database
        try:
            if code is not None:
                room = self._need_room(code)
                return self._export_room(db, room)
            return {
                "exported_with": EXPORTED_WITH,
                "rooms": [self._export_room(db, room) for room in self.rooms()],
            }
        finally:
            db.execute("COMMIT")
