#!/usr/bin/env python3
"""Completes package-lock.json with the platform bindings (optional
dependencies such as @oxlint/binding-darwin-arm64 or @opendal/lib-win32-x64-msvc)
that the registry mirror here does not serve, so that `npm ci` accepts the
lock. npm skips these entries on every machine whose os/cpu/libc they do not
match, without fetching them. Run after every `npm install`."""
import json, pathlib

LOCK = pathlib.Path(__file__).resolve().parent.parent / "package-lock.json"
PLATFORMS = {  # name suffix -> (os, cpu, libc)
    "android-arm-eabi": ("android", "arm", None), "android-arm64": ("android", "arm64", None),
    "darwin-arm64": ("darwin", "arm64", None), "darwin-x64": ("darwin", "x64", None),
    "darwin-universal": ("darwin", None, None),
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
missing = {}
for parent, info in list(packages.items()):
    for name, spec in info.get("optionalDependencies", {}).items():
        key = f"node_modules/{name}"
        if key in packages or key in missing:
            continue
        suffix = next((s for s in PLATFORMS if name.endswith(s)), None)
        if suffix is None:
            raise SystemExit(f"{parent}: optional dependency {name} is not installed and is not a known platform binding")
        os, cpu, libc = PLATFORMS[suffix]
        entry = {"version": spec, "optional": True, "os": [os]}
        if cpu:
            entry["cpu"] = [cpu]
        if libc:
            entry["libc"] = [libc]
        if info.get("dev"):
            entry["dev"] = True
        missing[key] = entry
packages.update(missing)
lock["packages"] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != "", kv[0])))
LOCK.write_text(json.dumps(lock, indent=2) + "\n")
print(f"lock-platform-bindings: added {len(missing)} entries")
