# shellcheck shell=bash
# Sourced by the command-line checks: encode_cases CLIP_ARGS -- RUNNER... --
# ARGS... makes a testsrc2 clip with the ffmpeg arguments CLIP_ARGS, then
# encodes it with the CPU backend once per ARGS string, each run under the
# RUNNER command (which must fail the run on any report), and prints ok or
# FAIL per case. Returns nonzero if any case failed.
encode_cases() {
    local clip_args=() runner=() status=0 work
    while [ "$1" != -- ]; do clip_args+=("$1"); shift; done
    shift
    while [ "$1" != -- ]; do runner+=("$1"); shift; done
    shift
    work=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" RETURN
    ffmpeg -v error -f lavfi "${clip_args[@]}" -pix_fmt yuv420p "$work/clip.y4m"
    for args in "$@"; do
        # shellcheck disable=SC2086
        if "${runner[@]}" encode "$work/clip.y4m" -o "$work/out.264" --backend cpu --quiet $args; then
            echo "ok   $args"
        else
            echo "FAIL $args"
            status=1
        fi
    done
    return $status
}
