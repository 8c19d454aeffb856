#!/usr/bin/env bash
# Install the Debian packages briefing needs, and only those that are missing.
#
#   scripts/system-deps.sh runtime   # what `briefing build` needs (WeasyPrint + fonts)
#   scripts/system-deps.sh test      # runtime + chromium, qpdf, poppler-utils, LibreOffice,
#                                    # Java, npm
#
# As root: installs what is missing, non-interactively (one `apt-get update`,
# only when something is missing). Not root: prints the apt-get line to run and
# exits 1 if something is missing, 0 if everything is already there.
set -euo pipefail

mode="${1:-runtime}"

# WeasyPrint (>= 53) loads these through cffi; the PyPI wheels bundle the rest
# (Pillow, fontTools, pydyf ...). libharfbuzz-subset0 is needed for font subsetting.
runtime_pkgs=(
    libglib2.0-0
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz0b
    libharfbuzz-subset0
    libfontconfig1
    fontconfig
    # Fonts for the briefing (static TrueType, embeddable, OFL):
    #   body "Noto Serif" and headings "Noto Sans" (regular/bold/italic/bold
    #   italic, fonts-noto-core); code and ids "Noto Sans Mono" (regular/bold,
    #   fonts-noto-mono).
    fonts-noto-core
    fonts-noto-mono
)

test_pkgs=(
    chromium     # /usr/bin/chromium, driven by Playwright via executable_path
    qpdf         # qpdf --check
    poppler-utils  # pdftotext, pdffonts, pdftoppm
    libreoffice-writer-nogui  # soffice --convert-to pdf: lays out every .docx (tests only)
)

case "$mode" in
    runtime) wanted=("${runtime_pkgs[@]}") ;;
    test)
        wanted=("${runtime_pkgs[@]}" "${test_pkgs[@]}")
        # vnu.jar needs Java >= 11; keep whatever suitable Java is already there.
        java_major=""
        if command -v java >/dev/null 2>&1; then
            java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
        fi
        if [[ -z "$java_major" || "$java_major" -lt 11 ]]; then
            wanted+=(default-jre-headless)
        fi
        # npm installs vnu-jar (tools/package.json); Debian's npm if none is on PATH.
        command -v npm >/dev/null 2>&1 || wanted+=(npm)
        ;;
    *)
        echo "usage: $0 runtime|test" >&2
        exit 2
        ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == ii* ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps ($mode): all ${#wanted[@]} Debian packages present"
    exit 0
fi

install_cmd=(apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}")

if [[ "$(id -u)" -ne 0 ]]; then
    echo "system-deps ($mode): missing Debian packages: ${missing[*]}" >&2
    echo "run as root:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive ${install_cmd[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "system-deps ($mode): installing ${missing[*]}"
apt-get update -o DPkg::Lock::Timeout=300 </dev/null
"${install_cmd[@]}" </dev/null

if [[ " ${missing[*]} " == *" fonts-noto-"* ]]; then
    fc-cache -f >/dev/null 2>&1 || true
fi
echo "system-deps ($mode): done"
