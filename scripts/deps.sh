#!/bin/sh
# Installs the Debian packages noticegen needs to build, run and test.
# As root it runs apt-get; otherwise it prints the exact line to run.
set -eu

PKGS="build-essential pkg-config
libhpdf-dev libqrencode-dev libsqlite3-dev sqlite3 libxlsxwriter-dev
libiniparser-dev zlib1g-dev libdeflate-dev libisal-dev libsodium-dev libssl-dev libharfbuzz-dev libfreetype-dev
libfribidi-dev libcmocka-dev libzint-dev clang libclang-rt-14-dev
fonts-noto-core fonts-ocr-a fonts-nanum fonts-droid-fallback
poppler-utils qpdf zbar-tools dmtx-utils zint unzip"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "deps: missing Debian packages. Run:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
