# shellcheck shell=bash
# The environment that keeps a Solara server's every request on this machine. One source for
# everything that starts the app: `./dev app` sources this file, and so do the browser tests
# (tests/browser/conftest.py starts `solara run` through `bash -c '. scripts/offline_env.sh;
# solara_offline_env; exec ...'`). Defines a function only; sourcing it changes nothing.

# Make a Solara server send no request off this machine: front-end files come from the
# venv's CDN cache (see scripts/install_frontend_assets.py), never from the internet.
solara_offline_env() {
    # serve /_solara/cdn from the cache even where Solara would turn that off (a VS Code
    # terminal sets VSCODE_PID, and then the browser would fetch from cdn.jsdelivr.net)
    export SOLARA_ASSETS_PROXY=True
    # a file missing from the cache must fail here as it would in a classroom, not be
    # fetched quietly from jsdelivr: point the server's upstream CDN at a closed local port
    export SOLARA_ASSETS_CDN=http://127.0.0.1:9/no-cdn-offline/
    # no "This website runs on Solara" banner: it links off the machine, and it sits over
    # the page's bottom corner
    export SOLARA_THEME_SHOW_BANNER=False
    # no usage reports (api.mixpanel.com, and api.ipify.org for the server's address)
    export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
    # in development mode Solara embeds a one-time solara.dev "installation works" iframe
    # until this marker exists
    local home="${SOLARA_HOME:-$HOME/.solara}"
    if mkdir -p "$home" 2>/dev/null; then touch "$home/.solara_checked" 2>/dev/null || true; fi
}
