"""``python -m classroom``: the class session, the one-learner app and the room's commands.

- ``python -m classroom serve [...]``: a class session (the installed ``networking-classroom``);
- ``python -m classroom app [...]``: the app for one learner (``networking-app``);
- ``python -m classroom room list|new|open|export [...]``: the room's data
  (:mod:`classroom.room.cli`);
- ``python -m classroom --version``.
"""

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from classroom.launch import classroom_main

        return classroom_main(argv[1:], prog="python -m classroom serve")
    if argv[:1] == ["app"]:
        from classroom.launch import app_main

        return app_main(argv[1:], prog="python -m classroom app")
    if argv[:1] == ["--version"]:
        from classroom.version import __version__

        print(f"python -m classroom {__version__}")
        return 0
    from classroom.room.cli import main as room_main

    return room_main(argv)


if __name__ == "__main__":
    sys.exit(main())
