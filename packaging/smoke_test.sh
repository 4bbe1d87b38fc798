#!/usr/bin/env bash
# Smoke test for the built one-folder app, run the way a clean machine would run it.
#
#   bash packaging/smoke_test.sh dist/sgdesk
#
# The folder is copied to a fresh temporary directory and run from there with an
# empty environment (env -i): no virtual environment, no Python on PATH, not from the
# checkout, HOME and the XDG folders in the temporary directory, Qt offscreen. It
# checks that the app starts and makes and opens the demo store (--exit-when-ready),
# and that the command line can verify a store, write a recovery sheet (a PDF),
# write and read a handover (age encryption) and, where the `age` tool is installed,
# share and transfer a pupil's records (PDFs with body maps, the working-day clock).
# Exit status 0 when every check passes.
set -euo pipefail

if [[ $# -ne 1 || ! -x "$1/sgdesk" ]]; then
    echo "usage: $0 DIST_FOLDER (the folder holding the sgdesk program)" >&2
    exit 2
fi
built=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sgdesk-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$built" "$work/app"
mkdir -p "$work/home" "$work/run" "$work/files"
chmod 700 "$work/run"
cd "$work/files"

DEMO_PASSWORD=demo-store-only   # sgdesk/services/demo.py
BUNDLE_PASSPHRASE=smoke-test-bundle-passphrase
NEW_PASSWORD=Smoke-test-password-4
data="$work/home/.local/share/sgdesk"   # platformdirs' user data folder under XDG_DATA_HOME

# The program, with nothing from this shell's environment.
app() {
    env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 \
        XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" \
        XDG_STATE_HOME="$work/home/.local/state" XDG_CACHE_HOME="$work/home/.cache" \
        XDG_RUNTIME_DIR="$work/run" QT_QPA_PLATFORM=offscreen \
        "$work/app/sgdesk" "$@"
}

passed=0
failed=0
# check NAME EXPECTED_TEXT COMMAND...: runs the command (stdin passes through), and
# passes when it exits 0 and its standard output contains EXPECTED_TEXT.
check() {
    local name=$1 expected=$2 out status start
    shift 2
    start=$EPOCHREALTIME
    set +e
    out=$("$@" 2>"$work/stderr")
    status=$?
    set -e
    local took
    took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    if [[ $status -eq 0 && $out == *"$expected"* ]]; then
        printf 'ok    %-46s %5ss\n' "$name" "$took"
        passed=$((passed + 1))
    else
        printf 'FAIL  %-46s (exit %s)\n' "$name" "$status"
        sed 's/^/      | /' <<<"$out"
        sed 's/^/      ! /' "$work/stderr"
        failed=$((failed + 1))
    fi
}

# check_file NAME PATH PREFIX: the file exists and starts with PREFIX.
check_file() {
    if [[ -f $2 && $(head -c ${#3} "$2") == "$3" ]]; then
        printf 'ok    %s\n' "$1"
        passed=$((passed + 1))
    else
        printf 'FAIL  %s (%s missing or not what was expected)\n' "$1" "$2"
        failed=$((failed + 1))
    fi
}

echo "sgdesk smoke test: $built ($(du -sh "$built" | cut -f1)), copied to $work/app"

# Nothing that talks to a network came along.
network=$(cd "$work/app" && find . -path '*/plugins/tls*' -o -path '*/plugins/networkinformation*' \
          -o -name 'QtNetwork*' -o -name 'libqvnc*' -o -name 'libqtuiotouchplugin*')
if [[ -z $network ]]; then
    echo "ok    no network modules or Qt network plugins"; passed=$((passed + 1))
else
    echo "FAIL  network parts in the folder: $network"; failed=$((failed + 1))
fi

check "--version" "sgdesk " app --version

# First start: no store yet, so the demo store is made, then the unlock screen shows.
check "first start makes the demo store" "ready" app --exit-when-ready
check_file "demo store written to the data folder" "$data/demo.sgdesk" ""
check "second start opens the demo store" "ready" app --exit-when-ready
check "verify the demo store" "PASS" app verify "$data/demo.sgdesk" --password-stdin \
    <<<"$DEMO_PASSWORD"

check "init with a recovery sheet (PDF)" "Created" app init "$work/files/new.sgdesk" \
    --school "Smoke Test School" --name "Sam Tester" --login sam \
    --recovery-sheet "$work/files/recovery.pdf" --password-stdin <<<"$NEW_PASSWORD"
check_file "recovery sheet is a PDF" "$work/files/recovery.pdf" "%PDF-"

check "export a handover (passphrase)" "written to" app export "$data/demo.sgdesk" \
    --handover "$work/files/handover.age" --passphrase --password-stdin \
    <<<"$DEMO_PASSWORD"$'\n'"$BUNDLE_PASSPHRASE"
check_file "handover is an age file" "$work/files/handover.age" "age-encryption.org/v1"
check "new store from the handover" "Created" app init "$work/files/taken-over.sgdesk" \
    --from-handover "$work/files/handover.age" --name "Kim Newlead" --login kim \
    --recovery-key-file "$work/files/taken-over.key" --password-stdin \
    <<<"$BUNDLE_PASSPHRASE"$'\n'"$NEW_PASSWORD"
check "verify the handed-over store" "PASS" app verify "$work/files/taken-over.sgdesk" \
    --login kim --password-stdin <<<"$NEW_PASSWORD"

# A share and a transfer need a pupil's id: read one with a body map from a handover
# opened with the standard age tool (installed with `make test`'s system packages).
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
    age-keygen -o "$work/files/key.txt" 2>/dev/null
    recipient=$(age-keygen -y "$work/files/key.txt")
    check "export a handover (age key)" "written to" app export "$data/demo.sgdesk" \
        --handover "$work/files/keyed.age" --to "$recipient" --password-stdin <<<"$DEMO_PASSWORD"
    pupil=$(age -d -i "$work/files/key.txt" "$work/files/keyed.age" \
            | tar -xOf - records/body_maps.jsonl \
            | grep -o '"pupil_id": *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
    check "share a pupil's records (PDFs with body maps)" "written to" app export \
        "$data/demo.sgdesk" --share "$work/files/share.age" --pupil "$pupil" \
        --recipient "Smoke test" --purpose "Smoke test" --to "$recipient" --password-stdin \
        <<<"$DEMO_PASSWORD"
    members=$(age -d -i "$work/files/key.txt" "$work/files/share.age" | tar -tf -)
    if grep -q '^pdf/.*\.pdf$' <<<"$members"; then
        echo "ok    the share holds printed PDFs"; passed=$((passed + 1))
    else
        echo "FAIL  the share holds no PDFs: $members"; failed=$((failed + 1))
    fi
    check "transfer a CP file (working-day clock)" "written to" app export \
        "$data/demo.sgdesk" --transfer "$work/files/transfer.age" --pupil "$pupil" \
        --moved-on "$(date +%F)" --new-school "Smoke Test Academy" --to "$recipient" \
        --password-stdin <<<"$DEMO_PASSWORD"
else
    echo "skip  share and transfer: the age tool is not installed"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
