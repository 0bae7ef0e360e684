#!/usr/bin/env bash
# install-deps.sh - install the Debian packages daftar needs to build, test
# and run, but only those that are missing (idempotent; apt-get only then).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsqlite3-dev sqlite3 libarchive-dev libmagic-dev libmagic-mgc libxml2-dev
  libuchardet-dev libicu-dev libssl-dev libseccomp-dev libcmocka-dev
  zip unzip p7zip-full xz-utils bzip2 jq file libarchive-tools
  libmupdf-dev libmujs-dev libfreetype-dev libharfbuzz-dev libjbig2dec0-dev libopenjp2-7-dev libjpeg-dev libgumbo-dev
  libtesseract-dev libleptonica-dev tesseract-ocr-ara tesseract-ocr-eng tesseract-ocr-script-arab tesseract-ocr-osd
  libheif-dev libheif-examples  # HEIC phone photos; heif-enc makes the tests' ones
  libgmime-3.0-dev libpst-dev libgsf-1-dev
  libstemmer-dev libexttextcat-dev libpcre2-dev libxxhash-dev
  libmicrohttpd-dev libjson-c-dev curl libsodium-dev python3  # python3: raw sockets in the serve tests
  libpq-dev postgresql-15 openssl  # server mode (#11): libpq, the server the tests start on loopback, its TLS test's CA
  chromium $(command -v npm >/dev/null || echo nodejs npm)  # node from elsewhere (nodesource) already brings npm
  python3-gi gir1.2-pango-1.0 python3-cairo python3-gi-cairo python3-pil python3-numpy  # test_dups_media.sh renders letters, test_encrypted.sh a scan
  fonts-hosny-amiri fonts-noto-core fonts-dejavu-core fonts-liberation2                 # with Pango in these faces (bench/dups-media)
)
[ "${DAFTAR_FUZZ:-0}" = 1 ] && packages+=(clang)  # make fuzz: libFuzzer
[ "${DAFTAR_BENCH:-0}" = 1 ] && packages+=(recoll hyperfine mupdf-tools poppler-utils tesseract-ocr libxapian-dev liblucene8-java openjdk-17-jdk-headless g++ libfuzzy-dev libtlsh-dev wrk
  tesseract-ocr-script-arab python3-gi gir1.2-pango-1.0 python3-cairo python3-gi-cairo python3-pil python3-numpy libtiff-tools time
  fonts-hosny-amiri fonts-noto-core fonts-kacst fonts-kacst-one fonts-arabeyes fonts-dejavu-core fonts-liberation2 fonts-noto-mono)  # bench/ocr: the OCR dev set (#17)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
