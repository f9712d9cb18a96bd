# Puts Node 24 first on PATH for this shell: `source scripts/use-node24.sh`.
# The binary comes from the npm registry's official Node build (package node-linux-<arch>), so no
# other download site or version manager is needed; it is cached in .ci/node-runtime (not committed).
# npm_config_nodedir points node-gyp at the same build's headers, so better-sqlite3 and argon2
# compile against the Node that runs them.
BATON_NODE_VERSION=24.22.3

_baton_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
case "$(uname -m)" in
  x86_64) _baton_arch=x64 ;;
  aarch64 | arm64) _baton_arch=arm64 ;;
  *) echo "use-node24.sh: no registry Node build for $(uname -m)" >&2; return 1 2>/dev/null || exit 1 ;;
esac
_baton_pkg="$_baton_root/.ci/node-runtime/node_modules/node-linux-$_baton_arch"

if [ "$("$_baton_pkg/bin/node" --version 2>/dev/null)" != "v$BATON_NODE_VERSION" ]; then
  npm install --prefix "$_baton_root/.ci/node-runtime" --no-save --no-audit --no-fund --no-package-lock \
    "node-linux-$_baton_arch@$BATON_NODE_VERSION" >&2 || { return 1 2>/dev/null || exit 1; }
fi

export PATH="$_baton_pkg/bin:$PATH"
export npm_config_nodedir="$_baton_pkg"
hash -r 2>/dev/null || true
echo "node $(node --version) from $_baton_pkg/bin" >&2
unset _baton_root _baton_arch _baton_pkg
