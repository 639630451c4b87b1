"""The classroom app's components (the Solara app itself is ``app.py`` at the repository root)."""
