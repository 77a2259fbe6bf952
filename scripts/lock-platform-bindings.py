#!/usr/bin/env python3
"""Completes package-lock.json with the platform bindings of oxlint that the
registry mirror here does not serve (only the linux glibc ones exist), so that
`npm ci` accepts the lock. npm skips these entries on every machine whose
os/cpu/libc they do not match, without fetching them. Run after `npm install`
whenever oxlint's version changes."""
import json, pathlib

LOCK = pathlib.Path(__file__).resolve().parent.parent / "package-lock.json"
PLATFORMS = {  # binding suffix -> (os, cpu, libc)
    "android-arm-eabi": ("android", "arm", None), "android-arm64": ("android", "arm64", None),
    "darwin-arm64": ("darwin", "arm64", None), "darwin-x64": ("darwin", "x64", None),
    "freebsd-x64": ("freebsd", "x64", None), "linux-arm-gnueabihf": ("linux", "arm", "glibc"),
    "linux-arm-musleabihf": ("linux", "arm", "musl"), "linux-arm64-gnu": ("linux", "arm64", "glibc"),
    "linux-arm64-musl": ("linux", "arm64", "musl"), "linux-ppc64-gnu": ("linux", "ppc64", "glibc"),
    "linux-riscv64-gnu": ("linux", "riscv64", "glibc"), "linux-riscv64-musl": ("linux", "riscv64", "musl"),
    "linux-s390x-gnu": ("linux", "s390x", "glibc"), "linux-x64-gnu": ("linux", "x64", "glibc"),
    "linux-x64-musl": ("linux", "x64", "musl"), "openharmony-arm64": ("openharmony", "arm64", None),
    "win32-arm64-msvc": ("win32", "arm64", None), "win32-ia32-msvc": ("win32", "ia32", None),
    "win32-x64-msvc": ("win32", "x64", None),
}

lock = json.loads(LOCK.read_text())
packages = lock["packages"]
version = packages["node_modules/oxlint"]["version"]
for suffix, (os, cpu, libc) in PLATFORMS.items():
    key = f"node_modules/@oxlint/binding-{suffix}"
    if key in packages:
        continue
    entry = {"version": version, "cpu": [cpu], "dev": True, "license": "MIT", "optional": True, "os": [os]}
    if libc:
        entry["libc"] = [libc]
    packages[key] = entry
lock["packages"] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != "", kv[0])))
LOCK.write_text(json.dumps(lock, indent=2) + "\n")
