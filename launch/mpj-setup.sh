#!/usr/bin/env bash
# Finds MPJ Express 0.44 and assembles a private MPJ_HOME that works, then installs mpj.jar into the
# local Maven repository (MPJ Express is not on Maven Central).
# Why a private MPJ_HOME: Debian's libmpj-java jars name log4j-1.2.jar etc. in their manifests but do
# not ship them beside the jars, so the stock layout fails (see shared/DESIGN.md).
# Usage: mpj-setup.sh TARGET_MPJ_HOME [LOCAL_MAVEN_REPO]
set -euo pipefail
target=${1:?usage: mpj-setup.sh TARGET_MPJ_HOME [LOCAL_MAVEN_REPO]}
repo=${2:-$HOME/.m2/repository}

find_source() {
  local c
  for c in "${MPJ_HOME:-}" /usr/share/mpj; do
    if [ -n "$c" ] && [ -f "$c/lib/starter.jar" ] && [ -f "$c/lib/mpj.jar" ] && [ "$c" != "$target" ]; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if [ -f "$target/lib/starter.jar" ] && [ -f "$target/lib/log4j-1.2.jar" ] && [ -f "$target/.complete" ]; then
  src=$target
else
  if ! src=$(find_source); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "mpj-setup: installing Debian package libmpj-java" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q libmpj-java >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q libmpj-java >/dev/null; }
      src=$(find_source) || { echo "mpj-setup: libmpj-java installed but /usr/share/mpj/lib/starter.jar is missing" >&2; exit 1; }
    else
      echo "mpj-setup: MPJ Express 0.44 not found: run 'sudo apt-get install libmpj-java' or set MPJ_HOME to an MPJ Express 0.44 installation" >&2
      exit 1
    fi
  fi
  tmp="$target.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp/lib" "$tmp/conf" "$tmp/logs"
  for f in "$src"/lib/*.jar; do
    b=$(basename "$f"); b=${b%-0.44.jar}; b=${b%.jar}
    cp -L "$f" "$tmp/lib/$b.jar"
  done
  for dep in log4j-1.2 commons-cli commons-io commons-codec; do
    if [ ! -f "$tmp/lib/$dep.jar" ]; then
      if [ -f "/usr/share/java/$dep.jar" ]; then cp -L "/usr/share/java/$dep.jar" "$tmp/lib/$dep.jar"
      else echo "mpj-setup: /usr/share/java/$dep.jar missing: run 'sudo apt-get install libmpj-java' (it depends on it)" >&2; exit 1; fi
    fi
  done
  if [ -d "$src/conf" ]; then cp -L "$src"/conf/* "$tmp/conf/"; fi
  touch "$tmp/.complete"
  rm -rf "$target"; mkdir -p "$(dirname "$target")"; mv "$tmp" "$target"
fi

dest="$repo/mpj/mpj/0.44"
if [ ! -f "$dest/mpj-0.44.jar" ] || ! cmp -s "$target/lib/mpj.jar" "$dest/mpj-0.44.jar"; then
  mkdir -p "$dest"
  cp "$target/lib/mpj.jar" "$dest/mpj-0.44.jar.tmp" && mv "$dest/mpj-0.44.jar.tmp" "$dest/mpj-0.44.jar"
  cat > "$dest/mpj-0.44.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>mpj</groupId><artifactId>mpj</artifactId><version>0.44</version><packaging>jar</packaging>
<description>MPJ Express 0.44 from Debian libmpj-java, installed by diffract's launch/mpj-setup.sh</description></project>
POM
fi
