#!/usr/bin/env bash
# Run a test plan: one test per line, "NAME<TAB>COMMAND" (empty lines and
# lines starting with '#' are skipped).  Each command runs through sh with
# its output in LOGDIR/NAME.log; prints "PASS NAME" or "FAIL NAME" as each
# ends, the logs of the failures, then exactly one last line
# "N passed, M failed".  Exits 1 if anything failed.
#
# usage: tests/run.sh [-j JOBS] [-l LOGDIR] [-k PATTERN] PLAN
#   -k PATTERN   run only tests whose name matches the shell glob PATTERN
#
# A hang guard (MH_TEST_TIMEOUT seconds, default 1800) kills a test that never
# ends; it is far above any test's run time and is not a timing check.
set -u

jobs=2
logdir=build/test-logs
pattern='*'
while getopts 'j:l:k:' opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	l) logdir=$OPTARG ;;
	k) pattern=$OPTARG ;;
	*) echo "usage: $0 [-j JOBS] [-l LOGDIR] [-k PATTERN] PLAN" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-j JOBS] [-l LOGDIR] [-k PATTERN] PLAN" >&2; exit 2; }
plan=$1
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
timeout_s=${MH_TEST_TIMEOUT:-1800}

rm -rf "$logdir"
mkdir -p "$logdir"

names=()
cmds=()
while IFS= read -r line || [ -n "$line" ]; do
	case $line in '' | '#'*) continue ;; esac
	name=${line%%$'\t'*}
	cmd=${line#*$'\t'}
	# shellcheck disable=SC2254
	case $name in $pattern) ;; *) continue ;; esac
	names+=("$name")
	cmds+=("$cmd")
done <"$plan"

run_one() {
	local name=$1 cmd=$2 log res start end
	log="$logdir/$name.log"
	res="$logdir/$name.result"
	mkdir -p "$(dirname "$log")"
	start=$(date +%s)
	if timeout -k 10 "$timeout_s" sh -c "$cmd" >"$log" 2>&1; then
		end=$(date +%s)
		echo pass >"$res"
		echo "$((end - start))s $name" >>"$logdir/times.txt"
		printf 'PASS %s\n' "$name"
	else
		rc=$?
		end=$(date +%s)
		[ $rc -eq 124 ] && echo "run.sh: hang guard: killed after ${timeout_s}s" >>"$log"
		echo "exit status $rc" >>"$log"
		echo fail >"$res"
		echo "$((end - start))s $name (failed)" >>"$logdir/times.txt"
		printf 'FAIL %s\n' "$name"
	fi
}

running=0
for i in "${!names[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "${names[$i]}" "${cmds[$i]}" &
	running=$((running + 1))
done
wait

passed=0
failed=0
failures=()
for name in "${names[@]}"; do
	if [ "$(cat "$logdir/$name.result" 2>/dev/null)" = pass ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
done

for name in "${failures[@]+"${failures[@]}"}"; do
	echo "---- $name: last lines of $logdir/$name.log"
	tail -n 25 "$logdir/$name.log" 2>/dev/null
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
