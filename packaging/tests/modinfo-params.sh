#!/bin/sh
# Every PARAM appears in `modinfo` of MODULE with a description, and modinfo
# lists no parameter beyond them.  MODULE may also be a file holding
# modinfo -F parm output (for the checker's own tests).
# Usage: modinfo-params.sh MODULE|PARM_FILE PARAM...
set -u
src=$1
shift
case $src in
*.ko) parms=$(modinfo -F parm "$src") || exit 1 ;;
*) parms=$(cat "$src") || exit 1 ;;
esac
fail=0
for p in "$@"; do
	line=$(printf '%s\n' "$parms" | grep "^$p:")
	# "name:description (type)"; without a description it is "name:(type)"
	desc=$(printf '%s' "$line" | sed -n "s/^$p:\(.*\) ([a-z0-9]*)\$/\1/p")
	if [ -z "$line" ]; then
		echo "modinfo: parameter $p is missing"; fail=1
	elif [ -z "$desc" ]; then
		echo "modinfo: parameter $p has no description: $line"; fail=1
	fi
done
for name in $(printf '%s\n' "$parms" | sed -n 's/^\([a-z0-9_]*\):.*/\1/p'); do
	case " $* " in
	*" $name "*) ;;
	*) echo "modinfo: parameter $name is not declared in the sources"; fail=1 ;;
	esac
done
exit $fail
