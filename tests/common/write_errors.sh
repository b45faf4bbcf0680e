# Sourced by the tests of failed writes (tests/media, tests/batch): an
# output directory hwenc may not write, and a disk that fills up. Both work
# as root (CI, and the shared machines) and as a user, and neither skips:
#   unwritable  root may write anywhere, so hwenc runs as nobody (setpriv,
#               util-linux) on a directory mode 555; a user gets the same
#               directory and runs hwenc as itself.
#   small disk  root mounts a 32 KiB tmpfs (ENOSPC, "No space left on
#               device"); a user runs hwenc under `ulimit -f 32` with
#               SIGXFSZ ignored (EFBIG, "File too large").
# The caller's EXIT trap must call small_disk_teardown before removing
# its work directory.

is_root() { [ "$(id -u)" -eq 0 ]; }

# as_writer CMD...: CMD as the user the unwritable directory refuses.
as_writer() {
    if is_root; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi
}

# unwritable_setup WORK DIR HWENC: makes DIR (inside WORK) a directory
# as_writer cannot write, WORK readable by it, and sets WRITER_HWENC to an
# hwenc it can run (a copy with its libhwenc when the build tree is not
# readable by nobody). Fails if as_writer can still write DIR.
unwritable_setup() {
    local work=$1 dir=$2 hwenc=$3
    chmod 755 "$work"
    mkdir -p "$dir"
    chmod 555 "$dir"
    WRITER_HWENC=$hwenc
    if ! as_writer test -x "$hwenc" -a -r "$(dirname "$hwenc")/hwenc-media"; then
        mkdir -p "$work/bin"
        cp "$hwenc" "$(dirname "$hwenc")/hwenc-media" "$work/bin/"
        cp -L "$(ldd "$hwenc" | awk '/libhwenc/ { print $3 }')" "$work/bin/"
        chmod -R a+rX "$work/bin"
        export LD_LIBRARY_PATH="$work/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        WRITER_HWENC=$work/bin/$(basename "$hwenc")
    fi
    if as_writer touch "$dir/probe" 2>/dev/null; then
        echo "FAIL $(id -un) as writer can write $dir: the unwritable checks would prove nothing"
        return 1
    fi
}

SMALL_DISK=
# small_disk_setup DIR: DIR becomes the small disk; FULL_ERROR the message
# a write there ends with.
small_disk_setup() {
    mkdir -p "$1"
    if is_root; then
        mount -t tmpfs -o size=32k,mode=755 tmpfs "$1" || { echo "FAIL cannot mount a tmpfs on $1 as root"; return 1; }
        SMALL_DISK=$1
        FULL_ERROR="No space left on device"
    else
        FULL_ERROR="File too large"
    fi
}

# on_small_disk CMD...: runs CMD against the small disk.
on_small_disk() {
    if is_root; then "$@"; else (trap '' XFSZ; ulimit -f 32; exec "$@"); fi
}

small_disk_teardown() {
    if [ -n "$SMALL_DISK" ]; then umount "$SMALL_DISK"; fi
    SMALL_DISK=
}
