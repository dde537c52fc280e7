#!/usr/bin/env bash
# Scripting outcomes, end to end: a rule file, a seeded run that repeats
# itself, a duplicated webhook, a cancellation. Paste it into a terminal in a
# hamster-pg checkout (after `npm ci`), or run `bash examples/scripting-outcomes.sh`.
# It needs only bash, curl and Node.js; it cleans up after itself.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HAMSTER_PG=${HAMSTER_PG:-"node $REPO/dist/hamster-pg.mjs"}  # how to run hamster-pg
PG_PORT=${PG_PORT:-18083}                                  # hamster-pg
HOOK_PORT=${HOOK_PORT:-18082}                              # the stand-in Cash Gateway
API="http://127.0.0.1:$PG_PORT"

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# 1. The rule file: which orders end how, and how their webhooks behave.
cat > "$work/application.yml" <<YAML
server:
  port: $PG_PORT
database:
  url: $work/walkthrough.db
payment:
  webhook:
    url: http://127.0.0.1:$HOOK_PORT/api/webhook/pg/DUMMY
    secret: whsec_naqIJUztaeyYh7ufvdx7b29g9GKmjtG9
  process:
    random-seed: 42            # the same requests give the same outcomes, run after run
    polling:
      enabled: false           # the test says when to process (POST /api/admin/process)
admin:
  allow-data-reset: true       # lets the test start afresh (DELETE /api/admin/data)
scenarios:
  - name: limit-exceeded
    match: { orderId: "ORD_LIMIT_*" }
    effect: { outcome: FAILED, reason: LIMIT_EXCEEDED }
  - name: twice
    match: { orderId: "ORD_TWICE_*" }
    effect: { outcome: SUCCESS, webhook: { duplicate: 2 } }
YAML

# 2. Start the stand-in Cash Gateway (one JSON line per webhook) and hamster-pg.
$HAMSTER_PG sink --port "$HOOK_PORT" --json --secret whsec_naqIJUztaeyYh7ufvdx7b29g9GKmjtG9 > "$work/webhooks.jsonl" & pids+=($!)
$HAMSTER_PG serve --config "$work/application.yml" > "$work/hamster.log" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do  # until hamster-pg answers (a 404 for a tid that does not exist)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/api/payment/transaction/none" || true)" = 404 ] && break
  sleep 0.1
done

pay() {  # pay ORDER_ID → prints the transaction id
  curl -s -X POST "$API/api/payment" -H 'Content-Type: application/json' \
    -d "{\"orderId\":\"$1\",\"amount\":10000,\"echo\":{\"mid\":\"hamster_dummy_mid_001\"}}" |
    sed -E 's/.*"transactionId":"([^"]+)".*/\1/'
}
field() {  # field TID NAME → prints one field of the transaction view
  curl -s "$API/api/payment/transaction/$1" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)['$2']))"
}
webhooks_for() {  # webhooks_for TID → the webhooks the Cash Gateway received for it, one per line
  grep "$1" "$work/webhooks.jsonl" || true
}
check() { if [ "$2" = "$3" ]; then echo "✓ $1: $2"; else echo "✗ $1: expected $3, got $2"; exit 1; fi; }

run() {  # the same three payments, processed now
  limit=$(pay ORD_LIMIT_1); twice=$(pay ORD_TWICE_1); plain=$(pay ORD_PLAIN_1)
  curl -s -X POST "$API/api/admin/process" > /dev/null
}

# 3. A run: the rules decide two payments, the seeded success rate the third.
run
check "ORD_LIMIT_1 ends" "$(field "$limit" status) $(field "$limit" failReason) by $(field "$limit" scenario)" "FAILED LIMIT_EXCEEDED by limit-exceeded"
check "ORD_TWICE_1 ends" "$(field "$twice" status) by $(field "$twice" scenario)" "SUCCESS by twice"
first_plain="$(field "$plain" status) $(field "$plain" failReason)"
echo "  ORD_PLAIN_1 ends $first_plain (decided by the seeded 80 % success rate)"

# 4. The duplicated webhook: two copies, one webhook-id — de-duplicate by it.
check "webhooks for ORD_TWICE_1" "$(webhooks_for "$twice" | wc -l | tr -d ' ')" "2"
check "distinct webhook-ids among them" "$(webhooks_for "$twice" | sed -E 's/.*"webhook-id":"([^"]+)".*/\1/' | sort -u | wc -l | tr -d ' ')" "1"
check "their signatures" "$(webhooks_for "$twice" | grep -c '"valid":true')" "2"

# 5. Cancel the successful payment: CANCELLED, and a CANCELLED webhook.
curl -s -X POST "$API/api/payment/$twice/cancel" > /dev/null
curl -s -X POST "$API/api/admin/process" > /dev/null
check "ORD_TWICE_1 after cancel" "$(field "$twice" status)" "CANCELLED"
check "CANCELLED webhooks received" "$(webhooks_for "$twice" | grep -c '\\"status\\":\\"CANCELLED\\"')" "1"

# 6. Start afresh and run again: the seed makes it the same run.
curl -s -X DELETE "$API/api/admin/data"
run
check "ORD_PLAIN_1 ends again" "$(field "$plain" status) $(field "$plain" failReason)" "$first_plain"
echo "All as scripted."
