#!/usr/bin/env sh
# The same setup as `npm run temporal:setup`, with the Temporal CLI, for operators without Node.
# Keep in step with temporal-config/search-attributes.ts (a test checks every attribute is here).
set -eu
ADDR="${TEMPORAL_ADDRESS:-localhost:7233}"
NS="${TEMPORAL_NAMESPACE:-grid-governance}"
temporal operator namespace describe --address "$ADDR" --namespace "$NS" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$ADDR" --namespace "$NS" --retention 180d \
    --description "一张表数字化治理平台"
sa() { temporal operator search-attribute create --address "$ADDR" --namespace "$NS" --name "$1" --type "$2" || true; }
sa BizType Keyword
sa BizId Keyword
sa OrgPath Keyword
sa OrgScope KeywordList
sa Stage Keyword
sa AssigneeOrg Keyword
sa DeadlineAt Datetime
sa Overdue Bool
sa EscalationLevel Int
