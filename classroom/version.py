"""The project's version, one source: ``version`` in pyproject.toml, as the installed
package's metadata reports it (``importlib.metadata``). The About tab, the commands'
``--version`` and the room's export show it."""

from __future__ import annotations

from importlib import metadata

__all__ = ["DISTRIBUTION", "__version__", "version"]

#: The name the project is installed under (pyproject.toml's ``[project] name``).
DISTRIBUTION = "interruption-or-interaction"


def version() -> str:
    """The installed version, or ``"unknown"`` when the code runs from a folder that was
    never installed (a copy of the source without ``pip install``)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


__version__ = version()
