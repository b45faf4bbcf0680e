#!/bin/sh
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Runs a command where GStreamer's va plugin finds the VA test driver's
# node, without touching the system's /dev or /sys: run it under
# `unshare -m` (a private mount namespace, root only).
#
# GStreamer 1.22's va plugin (gst-plugins-bad sys/va/gstvadevice.c, built
# with gudev as Debian builds it) enumerates VA devices only through udev:
# g_udev_client_query_by_subsystem("drm"), keeping devices whose name
# starts with "renderD" and opening their device file. So this mounts, in
# the namespace only:
#   - a tmpfs over /sys/class with drm/renderD128 (its uevent names the node
#     dri/renderD128, its subsystem link says drm); libudev accepts a device
#     outside sysfs with SYSTEMD_DEVICE_VERIFY_SYSFS=0 (systemd's sd-device
#     checks the file system type otherwise);
#   - a tmpfs over /dev with the usual nodes bound from the real /dev and an
#     empty file dri/renderD128, which the preloaded DRM shim presents to
#     libva as a render node (HWENCTEST_DRM_NODE).
#
# usage: unshare -m gst_namespace.sh COMMAND [ARGS...]
set -eu
mount -t tmpfs tmpfs /sys/class
old=/sys/class/real-dev # the real /dev, inside the namespace's tmpfs
mkdir "$old"
mount --rbind /dev "$old"
mount -t tmpfs -o mode=755 tmpfs /dev
for n in null zero full random urandom tty; do
    [ -e "$old/$n" ] || continue
    : > "/dev/$n"
    mount --bind "$old/$n" "/dev/$n"
done
for n in shm pts mqueue; do
    [ -d "$old/$n" ] || continue
    mkdir "/dev/$n"
    mount --rbind "$old/$n" "/dev/$n"
done
mkdir /dev/dri
: > /dev/dri/renderD128
mkdir -p /sys/class/drm/renderD128
printf 'MAJOR=226\nMINOR=128\nDEVNAME=dri/renderD128\nDEVTYPE=drm_minor\n' > /sys/class/drm/renderD128/uevent
ln -s /sys/class/drm /sys/class/drm/renderD128/subsystem
export HWENCTEST_DRM_NODE=/dev/dri/renderD128 SYSTEMD_DEVICE_VERIFY_SYSFS=0
exec "$@"
