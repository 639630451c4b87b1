# shellcheck shell=bash
# The environment that keeps a Solara server's every request on this machine, for the
# browser tests and benchmarks (benchmarks/appserver.py starts `solara run` through
# `bash -c '. scripts/offline_env.sh && solara_offline_env && exec ...'`). The settings
# themselves are in classroom/offline.env, the one place they are written, which the
# installed commands (classroom/launch.py, and so ./dev app and ./dev classroom) read too.
# Defines a function only; sourcing it changes nothing.

# Export every NAME=VALUE line of classroom/offline.env, and mark Solara's development-mode
# "installation works" frame (an iframe from solara.dev) as seen.
solara_offline_env() {
    local settings name value home
    settings="$(dirname "${BASH_SOURCE[0]}")/../classroom/offline.env"
    [[ -f "$settings" ]] || { echo "offline_env.sh: $settings not found" >&2; return 1; }
    while IFS='=' read -r name value || [[ -n "$name" ]]; do
        [[ -z "${name// /}" || "$name" == \#* ]] && continue
        export "$name=$value"
    done <"$settings"
    home="${SOLARA_HOME:-$HOME/.solara}"
    if mkdir -p "$home" 2>/dev/null; then touch "$home/.solara_checked" 2>/dev/null || true; fi
}
