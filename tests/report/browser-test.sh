#!/usr/bin/env bash
# The HTML report in a real browser. Runs a scenario with a fault and a time series under four profiles
# (2 replications, every run kept), a queue at three offered loads, renders the report of those runs, the
# profiles document and a validation's scorecard with `orchsim report`, opens it in headless Chromium and checks that
#   (a) it logs no console message and asks the network for nothing (both detections first proven on a
#       self-check page with a console.error, a broken script and an image from outside; host names are
#       unresolvable, and Chromium's own background requests are told apart from the page's);
#   (b) every chart has, in the rendered DOM, the data marks its inputs call for (check_report.py);
#   (c) it takes a screenshot: OUT_DIR/report.png.
#   tests/report/browser-test.sh ORCHSIM OUT_DIR
# Exit 0 pass, 1 fail, 77 skipped: no Chromium (Debian package chromium; CHROMIUM=path to use another).
set -uo pipefail
orchsim=${1:?usage: browser-test.sh ORCHSIM OUT_DIR}
out=${2:?usage: browser-test.sh ORCHSIM OUT_DIR}
chromium=${CHROMIUM:-/usr/bin/chromium}
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ ! -x "$chromium" ]; then
  echo "SKIPPED: $chromium not found (apt-get install chromium)"
  exit 77
fi
fail() { echo "browser-test: FAIL: $*" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out/runs" || fail "cannot create $out"
out=$(cd "$out" && pwd)
cd "$root" || fail "no source tree at $root"

echo "browser-test: running the scenarios"
"$orchsim" run scenarios/adaptive/provider-degradation.yaml --profiles baseline,adaptive,random,oracle \
  --replications 2 --runs-dir "$out/runs/profiles" --out "$out/profiles.json" >/dev/null || fail "profiles run"
for rate in 2 3 3.9; do
  "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests=20000 --set simulation.series=none \
    --set workload.0.arrival.rate=$rate/s --out "$out/runs/mmc-$rate.json" >/dev/null 2>&1 || fail "mmc at $rate/s"
done
"$orchsim" validate scenarios/adaptive/provider-degradation.yaml --profile adaptive --out "$out/validation" >/dev/null
[ $? -le 1 ] || fail "validate"   # 0 or 1: the gate's verdict does not matter here
"$orchsim" report "$out/runs" "$out/profiles.json" "$out/validation/scorecard.json" -o "$out/report.html" >/dev/null ||
  fail "orchsim report"

# One Chromium per page, a fresh profile each time, nothing from the network.
browse() {
  local profile
  profile=$(mktemp -d "$out/chromium-profile.XXXXXX") || fail "mktemp"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
  local status=$?
  rm -rf "$profile"
  return $status
}
console_messages() { grep -E 'CONSOLE[:(]' "$1"; }
# The URLs the page (not Chromium's own services) asked the network for, from a --log-net-log file.
page_fetches() {
  python3 - "$1" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
for e in log["events"]:
    p = e.get("params", {})
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and p.get("network_isolation_key", "").startswith("file://"):
        print(p["url"])
EOF
}

cat > "$out/self-check.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>self-check</title></head><body>
<script>console.error("browser-test self-check: a deliberate console error");</script>
<script>this_function_is_not_defined();</script><img src="https://example.invalid/self-check.png" alt=""></body></html>
EOF
browse --log-net-log="$out/self-check.netlog.json" --dump-dom "file://$out/self-check.html" >/dev/null \
  2>"$out/self-check.log" || fail "Chromium did not run (see $out/self-check.log)"
[ "$(console_messages "$out/self-check.log" | wc -l)" -eq 2 ] ||
  fail "the console check does not see the self-check page's two errors (see $out/self-check.log)"
[ "$(page_fetches "$out/self-check.netlog.json")" = "https://example.invalid/self-check.png" ] ||
  fail "the network check does not see the self-check page's image (see $out/self-check.netlog.json)"

echo "browser-test: rendering the report"
browse --log-net-log="$out/report.netlog.json" --dump-dom "file://$out/report.html" >"$out/report.dom.html" \
  2>"$out/report.log" || fail "Chromium on the report"
if console_messages "$out/report.log"; then
  fail "console messages while rendering the report"
fi
fetches=$(page_fetches "$out/report.netlog.json") || fail "cannot read $out/report.netlog.json"
[ -z "$fetches" ] || fail "the report asked the network for: $fetches"
grep -q '</html>' "$out/report.dom.html" || fail "no DOM dumped"
python3 "$root/tests/report/check_report.py" "$out/report.dom.html" "$out/runs" "$out/profiles.json" \
  "$out/validation/scorecard.json" || fail "chart data marks do not match the inputs"

browse --window-size=1280,9000 --screenshot="$out/report.png" "file://$out/report.html" >/dev/null 2>&1 ||
  fail "screenshot"
[ -s "$out/report.png" ] || fail "no screenshot"
echo "browser-test: ok; screenshot $out/report.png"
