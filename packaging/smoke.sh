#!/usr/bin/env bash
# Start the built bundle (dist/vetta/vetta) offscreen, on a fresh data folder, and drive it end to
# end: demo data, an assessment of the seed-case vendor, a signed decision, an independent check.
# The machine has no OS keyring, so the signing identity takes the PKCS#12-with-passphrase route.
set -euo pipefail
cd "$(dirname "$0")/.."
VETTA=${VETTA_BUNDLE:-dist/vetta/vetta}
WORK=$(mktemp -d /tmp/vetta-bundle.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export VETTA_DATA_DIR="$WORK/data" QT_QPA_PLATFORM=offscreen
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring   # no usable keyring here
run() { echo "+ vetta $*" >&2; $VETTA "$@"; }

run --version
# Every change is recorded with a name: the person at the keyboard is set once, as the welcome does.
run settings set profile-name "Dana Demo"
run demo
# The translations ship compiled: an error message in Spanish.
if VETTA_LANGUAGE=es $VETTA vendors show 999 2>"$WORK/es.txt"; then exit 1; fi
grep -q "No existe el proveedor n.º 999" "$WORK/es.txt"
run db check
# The window opens (offscreen) on the demo data and ends itself once the main window has painted (Home's
# charts included): the start-up milestones come in order.
VETTA_STARTUP_PROBE=quit run 2>"$WORK/gui.txt" || { cat "$WORK/gui.txt"; exit 1; }
grep -q "first-paint" "$WORK/gui.txt" && grep -q "database-open" "$WORK/gui.txt" && grep -q "window-shown" "$WORK/gui.txt" \
  || { cat "$WORK/gui.txt"; exit 1; }
run analyze "Scalewise Data Inc." | head -n 20

# An approver's organisation-issued identity (PKCS#12 with a passphrase).
export VETTA_P12_PASSPHRASE="smoke-test passphrase"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=Alba Aprobadora/O=Nimbus Analytics S.L." -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -out "$WORK/alba.p12" \
  -passout env:VETTA_P12_PASSPHRASE
rm -f "$WORK/key.pem"
run --user "Alba Aprobadora" identity import "$WORK/alba.p12" --name "Alba Aprobadora"  # hers alone to sign with

ID=$(run --user "Paula Preparer" assessment new "Scalewise Data Inc." | tail -n 1)
echo "assessment $ID"
echo "evidence" > "$WORK/evidence.txt"
# Answer what the rules left open with the first allowed value; attach evidence where required.
run assessment show "$ID" --json | python3 -c '
import json, sys
for q in json.load(sys.stdin)["questions"]:
    if q.get("answer") is None and q.get("required"):
        kind = q.get("answer_type")
        value = (q.get("allowed_values") or [None])[0]
        if value is None:
            value = {"number": "1", "date": "2026-01-01"}.get(kind, "Checked with the vendor")
        print("answer", q["id"], value)
    if q.get("evidence_required") and not q.get("evidence"):
        print("attach", q["id"], "-")
' > "$WORK/todo.txt"
while read -r action qid value; do
  if [ "$action" = answer ]; then run --user "Paula Preparer" assessment answer "$ID" "$qid" "$value" >/dev/null
  else run --user "Paula Preparer" assessment attach "$ID" "$qid" "$WORK/evidence.txt" >/dev/null; fi
done < "$WORK/todo.txt"
run --user "Paula Preparer" assessment submit "$ID"
run --user "Alba Aprobadora" assessment approve "$ID" --identity "Alba Aprobadora" --p12 "$WORK/alba.p12" \
  --decision rejected --lang es
run report "$ID" -o "$WORK/report.pdf"
run verify "$WORK/report.pdf" --json | tee "$WORK/verdict.json"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["intact"] and v["valid"] and v["matches_record"], v' \
  "$WORK/verdict.json"
pdfsig "$WORK/report.pdf" | grep -q "Signature is Valid"
run audit verify
echo "bundle smoke test passed"
