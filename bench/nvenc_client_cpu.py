#!/usr/bin/env python3
# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Client-side CPU per frame of hwenc's NVENC backend and of FFmpeg's
# h264_nvenc on the same NVENC stand-in, same clip and settings (ABR/VBR
# 2 Mb/s, keyint 250, no B frames, P4): the process's CPU time (user + sys)
# minus the time the stand-in spent in its own CPU picture encoder
# (HWENCTEST_ENCODE_CPU_LOG), divided by the frames; median of alternated
# runs, and the ratio hwenc / FFmpeg from the same run.
#
# Usage: bench/nvenc_client_cpu.py STANDIN_DIR HWENC_CLI CLIP.y4m FRAMES RUNS
#   e.g. bench/nvenc_client_cpu.py build/tests/nvenc_standin build/tools/hwenc \
#        clips/city_720x404.y4m 190 5      (clips from bench/prepare_clips.sh)
import os, resource, subprocess, sys, tempfile
std = sys.argv[1]; hwenc = sys.argv[2]; clip = sys.argv[3]; frames = int(sys.argv[4]); runs = int(sys.argv[5])
def run(cmd):
    log = tempfile.mktemp()
    env = dict(os.environ, LD_LIBRARY_PATH=std, HWENCTEST_ENCODE_CPU_LOG=log, HWENC_BACKEND="")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    enc = pics = 0
    for line in open(log):
        w = line.split(); enc += int(w[1]) / 1e9; pics += int(w[3])
    os.remove(log)
    return cpu, enc, pics
out = tempfile.mktemp(suffix=".264")
cmds = {
  "hwenc nvenc": [hwenc, "encode", clip, "-o", out, "--backend", "nvenc", "--rc", "abr", "--bitrate", "2000", "--keyint", "250", "--quiet"],
  "ffmpeg h264_nvenc": ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", clip, "-c:v", "h264_nvenc", "-preset", "p4", "-b:v", "2M", "-g", "250", "-bf", "0", out],
}
res = {k: [] for k in cmds}
for i in range(runs):          # alternated runs
    for k, c in cmds.items():
        res[k].append(run(c))
median = {}
for k, r in res.items():
    client = sorted((cpu - enc) / frames * 1e3 for cpu, enc, pics in r)
    median[k] = client[len(client) // 2]
    total = sorted(cpu / frames * 1e3 for cpu, enc, pics in r)
    encs = sorted(enc / frames * 1e3 for cpu, enc, pics in r)
    print(f"{k:18s} client {client[len(client)//2]:.3f} ms/frame (min {client[0]:.3f}), process {total[len(total)//2]:.3f}, stand-in encode {encs[len(encs)//2]:.3f}, pictures {r[0][2]}")
os.remove(out)
print(f"hwenc / FFmpeg client CPU per frame: {median['hwenc nvenc'] / median['ffmpeg h264_nvenc']:.2f}")
